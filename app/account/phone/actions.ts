"use server";

import { redirect } from "next/navigation";
import { formOf } from "@/lib/action-state";
import { getClientIp } from "@/lib/client-ip";
import { keepTypedNumber } from "@/lib/factors/phone/typed-number";
import { cancelWaitingNumber, numberChallenge, phoneSettingsOf, removePhone, resendNumberCode, startPhoneNumber } from "@/lib/factors/phone/settings";
import { passSecondFactor } from "@/lib/second-factor";
import { requireStepUp } from "@/lib/step-up";

/**
 * Adding, changing and removing a phone from security settings, each behind step-up. Plain form
 * posts that come back to the page with a message key: the number itself never goes into a URL.
 */
const back = (outcome: "sent" | "problem" | "done", message: string): never => redirect(`/account/phone?${outcome}=${encodeURIComponent(message)}`);

const channelOf = (data: FormData) => (data.get("channel") === "voice" ? "voice" : "sms");

export async function startNumber(form: unknown): Promise<void> {
  const { account, session } = await requireStepUp("/account/phone");
  const data = formOf(form);
  const result = await startPhoneNumber({ userId: account.id, sessionId: session.id, number: data.get("phone"), channel: channelOf(data), ip: await getClientIp() });
  await keepTypedNumber("/account/phone", account.id, result.ok ? null : result.message, data.get("phone"));
  back(result.ok ? "sent" : "problem", result.message);
}

export async function resendNumber(form: unknown): Promise<void> {
  const { account, session } = await requireStepUp("/account/phone");
  const result = await resendNumberCode({ userId: account.id, sessionId: session.id, channel: channelOf(formOf(form)), ip: await getClientIp() });
  back(result.ok ? "sent" : "problem", result.message);
}

export async function confirmNumber(form: unknown): Promise<void> {
  const { account, session } = await requireStepUp("/account/phone");
  const before = await phoneSettingsOf(account.id);
  if (!before.waiting) back("problem", "phoneNothingPending");
  const result = await passSecondFactor({ userId: account.id, purpose: "phone-number", code: formOf(form).get("code"), ip: await getClientIp(), keyOwnerId: numberChallenge(session.id) });
  if (!result.ok) back("problem", result.message === "codeFormat" ? "phoneCodeWrong" : result.message);
  back("done", before.active ? "phoneChangedDone" : "phoneAddedDone");
}

export async function cancelNumber(): Promise<void> {
  const { account, session } = await requireStepUp("/account/phone");
  await cancelWaitingNumber(account.id, session.id);
  back("done", "phonePendingCancelled");
}

export async function removeNumber(): Promise<void> {
  const { account } = await requireStepUp("/account/phone");
  const result = await removePhone(account.id, await getClientIp());
  back(result.ok ? "done" : "problem", result.ok ? "phoneRemovedDone" : result.message);
}
