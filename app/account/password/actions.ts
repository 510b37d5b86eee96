"use server";

import { redirect } from "next/navigation";
import { entry, type ActionState, formOf } from "@/lib/action-state";
import { revokeChallengesOf } from "@/lib/challenge";
import { getClientIp } from "@/lib/client-ip";
import { recordEvent } from "@/lib/security-events";
import { endSessionsOf } from "@/lib/sessions";
import { requireStepUp } from "@/lib/step-up";
import { setPassword } from "@/lib/users";
import { fieldErrors, newPasswordSchema } from "@/lib/validation";

/** A new password ends every other session of the account. */
export async function changePassword(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const { account, session } = await requireStepUp("/account/password");
  const parsed = newPasswordSchema.safeParse(entry(formData, "password"));
  if (!parsed.success) return { fieldErrors: { password: fieldErrors<"form">(parsed.error).form } };

  const ip = await getClientIp();
  await setPassword(account.id, parsed.data);
  // Someone who had passed the old password's step must not finish with a code now.
  await revokeChallengesOf(account.id);
  await recordEvent("password-changed", account.id, ip);
  if ((await endSessionsOf(account.id, session.id, "password-changed")) > 0) await recordEvent("sessions-ended", account.id, ip);
  redirect("/home?notice=passwordChanged");
}
