"use server";

import { redirect } from "next/navigation";
import { formOf } from "@/lib/action-state";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { getClientIp } from "@/lib/client-ip";
import { sendSignInCode } from "@/lib/factors/phone/phones";

/** "Send a new code" / "Call me instead" on the code step: only for the browser holding this sign-in. */
export async function sendCode(form: unknown): Promise<void> {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "sign-in") redirect(await signInAgainPath());
  const channel = formOf(form).get("channel") === "voice" ? "voice" : "sms";
  const result = await sendSignInCode({ userId: challenge.userId, challengeId: challenge.id, channel, ip: await getClientIp() });
  redirect(`/sign-in/code?phone=${encodeURIComponent(result.message)}`);
}
