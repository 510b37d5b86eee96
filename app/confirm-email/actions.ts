"use server";

import { redirect } from "next/navigation";
import { startSecondFactor } from "@/lib/challenge-cookie";
import { getClientIp } from "@/lib/client-ip";
import { confirmEmail } from "@/lib/sign-up";

/** Spends the confirmation link and goes straight on to authenticator setup, as sign-up used to. */
export async function confirmAndContinue(formData: FormData): Promise<void> {
  const token = formData.get("token");
  const account = typeof token === "string" && token.length <= 100 ? await confirmEmail(token, await getClientIp()) : null;
  if (!account) redirect("/confirm-email?invalid=1");
  redirect(await startSecondFactor(account));
}
