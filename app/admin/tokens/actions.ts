"use server";

import { redirect } from "next/navigation";
import { echo, entry, formOf, type ActionState } from "@/lib/action-state";
import { getAccountDetail, reasonSchema } from "@/lib/admin";
import type { Actor } from "@/lib/audit";
import { getClientIp } from "@/lib/client-ip";
import { MAX_IMPORT_BYTES } from "@/lib/factors/hotp/import";
import { assignToken, importTokens, releaseToken } from "@/lib/factors/hotp/tokens";
import { renderMessage } from "@/lib/messages";
import { passSecondFactor } from "@/lib/second-factor";
import { requireAdmin } from "@/lib/session";

async function currentActor(): Promise<Actor> {
  const { account } = await requireAdmin();
  return { id: account.id, email: account.email, via: "web", ip: await getClientIp() };
}

const serialOf = (formData: FormData) => {
  const value = formData.get("serial");
  return typeof value === "string" ? value.trim().slice(0, 64) : "";
};

/** Shown at most this many problems; the rest are counted. */
const SHOWN_PROBLEMS = 20;

/** A vendor's file (uploaded, or pasted): all of it or nothing, bad rows named by line. */
export async function importTokensAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const actor = await currentActor();
  const file = formData.get("file");
  const pasted = formData.get("text");
  let text = "";
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_IMPORT_BYTES) return { message: "That file is larger than 1 MB. Split it, or import it at the console." };
    text = await file.text();
  } else if (typeof pasted === "string") {
    text = pasted;
  }
  if (!text.trim()) return { fieldErrors: { file: "Choose the vendor's CSV or PSKC file, or paste its contents." } };
  const result = await importTokens(actor, text);
  if (!result.ok) {
    const shown = result.problems.slice(0, SHOWN_PROBLEMS).map((p) => `Line ${p.line}: ${p.message}.`);
    const more = result.problems.length > SHOWN_PROBLEMS ? ` And ${result.problems.length - SHOWN_PROBLEMS} more.` : "";
    return { message: `Nothing was imported. ${shown.join(" ")}${more}` };
  }
  redirect(`/admin/tokens?imported=${result.imported}`);
}

/**
 * Handing a keyfob to a patient gives the account a way in, so it takes an internal note and the
 * admin's own current code, like a reset.
 */
export async function assignTokenAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const actor = await currentActor();
  const patientId = typeof formData.get("patientId") === "string" ? String(formData.get("patientId")).slice(0, 64) : "";
  const serial = serialOf(formData);
  const values = { serial: echo(formData.get("serial"), 64), reason: echo(formData.get("reason"), 500) };
  const reason = reasonSchema.safeParse(entry(formData, "reason"));
  const serialError = serial ? undefined : "Type the serial number printed on the keyfob.";
  if (!reason.success || serialError) return { fieldErrors: { serial: serialError, reason: reason.error?.issues[0]?.message }, values };

  const target = await getAccountDetail(patientId);
  if (!target) return { message: "That account no longer exists." };
  if (target.role !== "patient") return { message: "Keyfobs are for patients only." };

  const code = await passSecondFactor({ userId: actor.id!, purpose: "step-up", code: entry(formData, "code"), ip: actor.ip! });
  if (!code.ok) return { fieldErrors: { code: renderMessage(code.message).text }, values };

  const result = await assignToken(actor, serial, target.email, reason.data);
  if (!result.ok) return { fieldErrors: { serial: result.message }, values };
  redirect(`/admin/patients/${encodeURIComponent(target.id)}?done=keyfob`);
}

/** Take a keyfob back (free) or write it off (lost), with a note for the audit log. */
export async function releaseTokenAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const actor = await currentActor();
  const serial = serialOf(formData);
  const to = formData.get("to") === "lost" ? "lost" : formData.get("to") === "free" ? "free" : null;
  const values = { serial: echo(formData.get("serial"), 64), reason: echo(formData.get("reason"), 500) };
  const reason = reasonSchema.safeParse(entry(formData, "reason"));
  const serialError = serial ? undefined : "Type the serial number printed on the keyfob.";
  if (!reason.success || serialError || !to) {
    return { fieldErrors: { serial: serialError, reason: reason.error?.issues[0]?.message, to: to ? undefined : "Choose what happens to the keyfob." }, values };
  }
  const result = await releaseToken(actor, serial, to, reason.data);
  if (!result.ok) return { fieldErrors: { serial: result.message }, values };
  const patientId = formData.get("patientId");
  if (typeof patientId === "string" && patientId && patientId.length <= 64) redirect(`/admin/patients/${encodeURIComponent(patientId)}?done=keyfob-${to}`);
  redirect(`/admin/tokens?released=${to}`);
}
