"use server";

import { redirect } from "next/navigation";
import { endChallenge } from "@/lib/challenge-cookie";
import { getClientIp } from "@/lib/client-ip";
import { recordEvent } from "@/lib/security-events";
import { endCurrentSession } from "@/lib/session";

/** Safe for anyone to call: it only forgets this browser's own pending sign-in, if any. */
export async function endSignInAttempt(): Promise<void> {
  await endChallenge();
}

/** A plain form post, so signing out works without JavaScript too. */
export async function signOutHere(): Promise<void> {
  await endChallenge();
  const ended = await endCurrentSession();
  if (ended) await recordEvent("signed-out", ended.userId, await getClientIp());
  redirect("/sign-in?notice=signedOut");
}
