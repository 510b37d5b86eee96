"use server";

import { redirect } from "next/navigation";
import { echo, entry, type ActionState, formOf } from "@/lib/action-state";
import { getAccountDetail, reasonSchema, resetEnrollment, resetMessageSchema, unlockAccount } from "@/lib/admin";
import type { Actor } from "@/lib/audit";
import { getClientIp } from "@/lib/client-ip";
import { renderMessage } from "@/lib/messages";
import { createSetupSheet, sendResetLinkForPatient, type SetupSheet } from "@/lib/password-reset";
import { passSecondFactor } from "@/lib/second-factor";
import { requireAdmin } from "@/lib/session";

async function currentActor(): Promise<Actor> {
  const { account } = await requireAdmin();
  return { id: account.id, email: account.email, via: "web", ip: await getClientIp() };
}

const targetOf = (formData: FormData) => {
  const id = formData.get("patientId");
  return typeof id === "string" && id.length <= 64 ? id : "";
};

/**
 * Needs an internal note and the admin's own current code: a reset is how attackers get around
 * 2FA. The message to the patient is separate, so nothing meant for staff reaches the patient.
 */
export async function resetPatient(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const actor = await currentActor();
  const targetId = targetOf(formData);
  const values = { message: echo(formData.get("message"), 300), reason: echo(formData.get("reason"), 500) };
  const message = resetMessageSchema.safeParse(entry(formData, "message"));
  const reason = reasonSchema.safeParse(entry(formData, "reason"));
  if (!message.success || !reason.success) {
    return {
      fieldErrors: { message: message.error?.issues[0]?.message, reason: reason.error?.issues[0]?.message },
      values,
    };
  }

  // Check the target before the admin's code is spent on it.
  const target = await getAccountDetail(targetId);
  if (!target) return { message: "That account no longer exists." };
  if (target.role !== "patient") return { message: "Only patients' two-factor setup can be reset here." };

  const code = await passSecondFactor({ userId: actor.id!, purpose: "step-up", code: entry(formData, "code"), ip: actor.ip! });
  if (!code.ok) return { fieldErrors: { code: renderMessage(code.message).text }, values };

  const result = await resetEnrollment(actor, targetId, reason.data, message.data);
  if (!result.ok) return { message: result.message };
  redirect(`/admin/patients/${encodeURIComponent(targetId)}?done=reset`);
}

export async function unlockPatient(formData: FormData): Promise<void> {
  formData = formOf(formData);
  const actor = await currentActor();
  const targetId = targetOf(formData);
  const result = await unlockAccount(actor, targetId);
  redirect(`/admin/patients/${encodeURIComponent(targetId)}?done=${result.ok ? "unlock" : "missing"}`);
}

/**
 * The checks every staff-assisted password reset shares: a reason (kept in the audit log), a
 * patient account, and the admin's own current code, checked last so it is not spent on a mistake.
 */
async function staffStepUp(formData: FormData): Promise<{ ok: true; actor: Actor; targetId: string; reason: string } | { ok: false; state: ActionState }> {
  const actor = await currentActor();
  const targetId = targetOf(formData);
  const reason = reasonSchema.safeParse(entry(formData, "reason"));
  if (!reason.success) return { ok: false, state: { fieldErrors: { reason: reason.error.issues[0]?.message }, values: { reason: String(formData.get("reason") ?? "").slice(0, 500) } } };
  const target = await getAccountDetail(targetId);
  if (!target) return { ok: false, state: { message: "That account no longer exists." } };
  if (target.role !== "patient") return { ok: false, state: { message: "Only patients can be helped this way." } };
  const code = await passSecondFactor({ userId: actor.id!, purpose: "step-up", code: entry(formData, "code"), ip: actor.ip! });
  if (!code.ok) return { ok: false, state: { fieldErrors: { code: renderMessage(code.message).text }, values: { reason: reason.data } } };
  return { ok: true, actor, targetId, reason: reason.data };
}

/** Emails the patient a single-use 30-minute link to choose a new password. */
export async function sendPatientResetLink(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const checked = await staffStepUp(formData);
  if (!checked.ok) return checked.state;
  const result = await sendResetLinkForPatient(checked.actor, checked.targetId, checked.reason);
  if (!result.ok) return { message: renderMessage(result.message).text };
  redirect(`/admin/patients/${encodeURIComponent(checked.targetId)}?done=reset-link`);
}

export type SetupSheetState = ActionState & { sheet?: SetupSheet };

/** For a patient at the desk without email: a one-time link on paper, shown once, valid 24 hours. */
export async function printSetupSheet(_prev: SetupSheetState, formData: FormData): Promise<SetupSheetState> {
  const checked = await staffStepUp(formData);
  if (!checked.ok) return checked.state;
  const result = await createSetupSheet(checked.actor, checked.targetId, checked.reason);
  if (!result.ok) return { message: result.message };
  return { sheet: result.sheet };
}
