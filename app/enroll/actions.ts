"use server";

import { redirect } from "next/navigation";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { replacePendingSecret } from "@/lib/two-factor";

/** "Get a new key": only for the browser that holds this account's enrollment challenge. */
export async function requestNewKey(): Promise<void> {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "enroll") redirect(await signInAgainPath());
  await replacePendingSecret({ userId: challenge.userId, ownerId: challenge.id, kind: "first" });
  redirect("/enroll?new=1");
}
