"use server";

import { redirect } from "next/navigation";
import { endChallenge } from "@/lib/challenge-cookie";
import { forgetTypedNumbers } from "@/lib/factors/phone/typed-number";
import { endCurrentSession } from "@/lib/session";

/**
 * Sign out, from any page, with or without JavaScript: this browser's half-finished sign-in (if
 * any) and its session end on the server, and its cookies go. Safe for anyone to call.
 */
export async function signOutHere(): Promise<void> {
  await endChallenge();
  await endCurrentSession("signed-out");
  await forgetTypedNumbers();
  redirect("/sign-in?notice=signedOut");
}

