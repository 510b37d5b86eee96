"use server";

import { endChallenge } from "@/lib/challenge-cookie";

/** Safe for anyone to call: it only forgets this browser's own pending sign-in, if any. */
export async function endSignInAttempt(): Promise<void> {
  await endChallenge();
}
