import "server-only";
import { confirmPhone, phoneSetupUnderway } from "./factors/phone/phones";
import { checkSignInCode } from "./factors/registry";
import { totpFailure } from "./factors/totp";
import { encodeWait } from "./messages";
import { checkLimits, consumeLimits, policies, resetLimit } from "./rate-limit";
import { normalizeRecoveryCode, useRecoveryCode } from "./recovery-codes";
import { recordEvent } from "./security-events";
import type { SignInMethod } from "./sessions";
import { confirmEnrollment } from "./two-factor";
import { normalizeCode, normalizeLongCode } from "./validation";

/**
 * Where the code is being entered: sign-in, confirming it's you while signed in (both take a
 * recovery code too), enrollment of a first or a new phone (a code from the new key only), or
 * a phone number added or changed in settings (only the code sent to that number).
 */
export type CodePurpose = "sign-in" | "step-up" | "enroll" | "new-phone" | "phone-number";

export type SecondFactorResult =
  | { ok: true; method: SignInMethod; remainingRecoveryCodes?: number }
  /** `lockedUntil`: the account is locked, so every code gets this same answer until then. */
  | { ok: false; message: string; lockedUntil?: Date };

const phoneSetupFailures = { wrong: "phoneCodeWrong", used: "phoneCodeUsed", expired: "phoneCodeExpired" } as const;

const locked = (until: Date): SecondFactorResult => ({ ok: false, message: encodeWait("locked", until), lockedUntil: until });

/**
 * The one place a second factor is checked: a code from any factor the account holds (see
 * lib/factors/registry.ts), or (outside enrollment) a recovery code. Limits come first: a locked account or address is refused before the input is even
 * read; one attempt is counted right before the comparison; a success resets the account's count.
 * Returns a message (see lib/messages.ts renderMessage) for anything but success.
 */
export async function passSecondFactor(input: {
  userId: string;
  purpose: CodePurpose;
  code: unknown;
  ip: string;
  /** Setup only: the browser the key belongs to (enroll challenge id, or session id for a new phone). */
  keyOwnerId?: string;
  /** New phone only: the session that stays signed in when every other one ends. */
  keepSessionId?: string;
}): Promise<SecondFactorResult> {
  const { userId, purpose, ip } = input;
  const limits = policies();
  // Both gates in one read: the address first, then the account.
  const early = await checkLimits([
    [limits.ipCode, ip],
    [limits.accountCode, userId],
  ]);
  if (!early.ok) return early.gate === 0 ? { ok: false, message: encodeWait("tooManyAttempts", early.retryAt) } : locked(early.retryAt);

  const enrolling = purpose === "enroll" || purpose === "new-phone" || purpose === "phone-number";
  // Keyfobs may show 7 or 8 digits; setup is for an authenticator app's 6.
  const totp = normalizeCode(input.code) ?? (enrolling ? null : normalizeLongCode(input.code));
  const recovery = !totp && !enrolling && typeof input.code === "string" ? normalizeRecoveryCode(input.code) : null;
  if (!totp && !recovery) return { ok: false, message: enrolling ? "codeFormat" : "codeOrRecoveryFormat" };

  const [attempt, fromAddress] = await consumeLimits([
    [limits.accountCode, userId],
    [limits.ipCode, ip],
  ]);
  if (!attempt.ok) return locked(attempt.retryAt);
  if (!fromAddress.ok) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.retryAt) };

  let success: SecondFactorResult | null = null;
  let failure: string;
  if (recovery) {
    const used = await useRecoveryCode(userId, recovery);
    if (used.ok) success = { ok: true, method: "recovery-code", remainingRecoveryCodes: used.remaining };
    failure = "recoveryWrong";
  } else {
    // A phone whose code is out for this setup is tried first; a code it does not know may still be
    // the app's (the patient went back to the QR code), within the same single counted attempt.
    // A number added or changed in settings takes only the code sent to it.
    const numberOnly = purpose === "phone-number";
    const underway = numberOnly ? Boolean(input.keyOwnerId) : purpose === "enroll" && input.keyOwnerId && (await phoneSetupUnderway(userId, input.keyOwnerId));
    const phone = underway ? await confirmPhone(userId, input.keyOwnerId!, totp!, ip) : null;
    if (numberOnly || (phone && (phone.ok || phone.reason !== "wrong"))) {
      if (phone?.ok) success = { ok: true, method: "phone" };
      failure = phone?.ok ? "" : phoneSetupFailures[phone?.reason ?? "wrong"];
    } else if (enrolling) {
      const owner = { userId, ownerId: input.keyOwnerId ?? "", kind: purpose === "enroll" ? ("first" as const) : ("new-phone" as const) };
      const result = await confirmEnrollment(owner, totp!, undefined, input.keepSessionId);
      if (result.ok) success = { ok: true, method: "totp" };
      const plain = !result.ok && (result.reason === "not-enrolling" || (result.reason === "wrong" && result.driftSteps === undefined));
      failure = result.ok ? "" : phone && plain ? "phoneCodeWrong" : totpFailure(result);
    } else {
      const result = await checkSignInCode(userId, totp!, { ip, challengeId: input.keyOwnerId });
      if (result.ok) success = { ok: true, method: result.method };
      failure = result.ok ? "" : result.message;
    }
  }

  if (success) {
    await resetLimit(limits.accountCode, userId);
    return success;
  }
  await recordEvent("code-wrong", userId, ip, recovery ? "recovery code" : undefined);
  if (attempt.lockedUntil) {
    await recordEvent("lockout", userId, ip, `until ${attempt.lockedUntil.toISOString()}`);
    return locked(attempt.lockedUntil);
  }
  if (fromAddress.lockedUntil) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.lockedUntil) };
  return { ok: false, message: failure };
}
