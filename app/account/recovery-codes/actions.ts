"use server";

import { getClientIp } from "@/lib/client-ip";
import { issueRecoveryCodes } from "@/lib/recovery-codes";
import { recordEvent } from "@/lib/security-events";
import { requireStepUp } from "@/lib/step-up";

export type NewCodesState = { codes?: string[] };

/** A new set replaces the old one. Needs password and code within the last few minutes. */
export async function createNewRecoveryCodes(): Promise<NewCodesState> {
  const { account } = await requireStepUp("/account/recovery-codes");
  const codes = await issueRecoveryCodes(account.id);
  await recordEvent("recovery-codes-issued", account.id, await getClientIp());
  return { codes };
}
