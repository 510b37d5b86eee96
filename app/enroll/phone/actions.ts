"use server";

import { redirect } from "next/navigation";
import { formOf } from "@/lib/action-state";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { getClientIp } from "@/lib/client-ip";
import { phoneOf, startPhoneSetup } from "@/lib/factors/phone/phones";
import { sendPhoneCode } from "@/lib/factors/phone/codes";
import { keepTypedNumber } from "@/lib/factors/phone/typed-number";

/**
 * Setup by phone: the typed number gets a code by text or call. The number never goes into a
 * redirect URL (addresses end up in access logs); only the outcome's message key does.
 */
export async function startSetup(form: unknown): Promise<void> {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "enroll") redirect(await signInAgainPath());
  const data = formOf(form);
  const channel = data.get("channel") === "voice" ? "voice" : "sms";
  const result = await startPhoneSetup({ userId: challenge.userId, challengeId: challenge.id, number: data.get("phone"), channel, ip: await getClientIp() });
  await keepTypedNumber("/enroll/phone", challenge.userId, result.ok ? null : result.message, data.get("phone"));
  redirect(`/enroll/phone?${result.ok ? "sent" : "problem"}=${encodeURIComponent(result.message)}`);
}

/** "Send again" / "Call me instead" for the number being set up. */
export async function resendSetupCode(form: unknown): Promise<void> {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "enroll") redirect(await signInAgainPath());
  const phone = await phoneOf(challenge.userId);
  if (!phone || phone.state !== "pending") redirect("/enroll/phone");
  const channel = formOf(form).get("channel") === "voice" ? "voice" : "sms";
  const result = await sendPhoneCode({ userId: challenge.userId, challengeId: challenge.id, e164: phone.e164, lineType: phone.lineType, channel, ip: await getClientIp() });
  redirect(`/enroll/phone?${result.ok ? "sent" : "problem"}=${encodeURIComponent(result.message)}`);
}

