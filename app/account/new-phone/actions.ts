"use server";

import { redirect } from "next/navigation";
import { entry, type ActionState, formOf } from "@/lib/action-state";
import { revokeChallengesOf } from "@/lib/challenge";
import { getClientIp } from "@/lib/client-ip";
import { renderMessage } from "@/lib/messages";
import { passSecondFactor } from "@/lib/second-factor";
import { recordEvent } from "@/lib/security-events";
import { requireStepUp } from "@/lib/step-up";
import { replacePendingSecret } from "@/lib/two-factor";

/**
 * A code from the new phone's key moves the account to it. Until this succeeds the old phone
 * keeps working; afterwards only the new one does, and other signed-in devices are signed out.
 */
export async function confirmNewPhone(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const { account, session } = await requireStepUp("/account/new-phone");
  const ip = await getClientIp();
  const result = await passSecondFactor({
    userId: account.id,
    purpose: "new-phone",
    code: entry(formData, "code"),
    ip,
    keyOwnerId: session.id,
    keepSessionId: session.id,
  });
  if (!result.ok) return { fieldErrors: { code: renderMessage(result.message).text } };
  // Other sessions ended in the same transaction as the key swap (lib/two-factor.ts).
  await revokeChallengesOf(account.id);
  await recordEvent("new-phone", account.id, ip);
  redirect("/account/recovery-codes?notice=newPhoneDone");
}

export async function requestNewPhoneKey(): Promise<void> {
  const { account, session } = await requireStepUp("/account/new-phone");
  await replacePendingSecret({ userId: account.id, ownerId: session.id, kind: "new-phone" });
  redirect("/account/new-phone?new=1");
}
