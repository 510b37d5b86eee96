import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { queryRows } from "@/lib/sql";
import { encodeMessage, type MessageKey } from "@/lib/messages";
import { TOTP_PERIOD_SECONDS } from "@/lib/totp";
import { verifyTotpForUser, type CodeResult } from "@/lib/two-factor";
import type { SecondFactor } from "../types";

/** The message for a refused authenticator-app code (a clock hint when the phone's clock is off). */
export function totpFailure(result: Exclude<CodeResult, { ok: true }>): string {
  if (result.reason === "wrong" && result.driftSteps !== undefined) {
    return encodeMessage("clockDrift", Math.round((result.driftSteps * TOTP_PERIOD_SECONDS) / 60) || Math.sign(result.driftSteps));
  }
  const keys: Record<typeof result.reason, MessageKey> = {
    wrong: "codeWrong",
    used: "codeUsed",
    replaced: "keyReplaced",
    "old-key": "oldKeyCode",
    "not-enrolling": "notEnrolling",
    "not-enrolled": "challengeExpired",
  };
  return keys[result.reason];
}

/**
 * The authenticator app. Setup (enrollment, new phone) stays in lib/two-factor.ts with its own
 * pages; here is what sign-in and a reset need.
 */
export const totpFactor: SecondFactor = {
  kind: "totp",
  method: "totp",
  async describe(userId) {
    const [user] = await queryRows<{ totpSecret: string | null; enrolledAt: Date | null }>(Prisma.sql`SELECT "totpSecret", "enrolledAt" FROM "User" WHERE "id" = ${userId}`);
    return user?.totpSecret && user.enrolledAt !== null ? { kind: "totp", label: "Authenticator app", state: "in use", firstUse: false } : null;
  },
  async check(userId, code) {
    // A keyfob's longer code is never an app code (and must not match on its first six digits).
    if (code.length !== 6) return (await totpFactor.describe(userId)) ? { ok: false, message: "codeWrong", plainWrong: true } : { ok: false, notHeld: true };
    const result = await verifyTotpForUser(userId, code);
    if (result.ok) return result;
    if (result.reason === "not-enrolled") return { ok: false, notHeld: true };
    return { ok: false, message: totpFailure(result), plainWrong: result.reason === "wrong" && result.driftSteps === undefined };
  },
  // The reset itself (lib/admin.ts) retires the app's key; it keeps it to recognise old codes.
  remove: () => [],
};
