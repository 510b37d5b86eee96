import "server-only";
import { encodeWait } from "./messages";
import { checkLimit, consumeLimits, policies, resetLimit, type LimitResult, type Policy } from "./rate-limit";
import { recordEvent } from "./security-events";
import { findCredentials, setupExpired, verifyCredentials, type AccountSummary } from "./users";

/**
 * `emailConfirmed` and `hasApp` (an authenticator app is set up) are read with the password hash,
 * so the step after it needs no second read to know them.
 */
export type PasswordStepResult = { ok: true; account: AccountSummary; emailConfirmed: boolean; hasApp: boolean } | { ok: false; message: string };

/** Before parsing anything: is this address over its budget? */
export async function checkPasswordBudget(ip: string): Promise<string | null> {
  const result = await checkLimit(policies().ipPassword, ip);
  return result.ok ? null : encodeWait("tooManyAttempts", result.retryAt);
}

/**
 * Email and password, with limits per address and per email from this address. An email without a
 * confirmed second factor (unknown, or not enrolled yet) also has an account-wide budget: its
 * password is all that guards it, and per-address budgets multiply with addresses. An enrolled
 * account has no account-wide password lock, so nobody can lock a patient out by knowing their
 * email. The answer for a locked email is the same whether or not an account exists behind it.
 */
export async function passPasswordStep(email: string, password: string, ip: string): Promise<PasswordStepResult> {
  const limits = policies();
  const pair = `${email}|${ip}`;
  const credentials = await findCredentials(email);
  const unguarded = !credentials.account?.enrolledAt;

  // All counts in one statement. A locked key is not counted; the others are, which can only make
  // a budget run out sooner, never let an extra comparison through.
  const gates: [Policy, string][] = [
    [limits.accountPasswordFromIp, pair],
    [limits.ipPassword, ip],
  ];
  if (unguarded) gates.push([limits.unenrolledPassword, email]);
  const [attempt, fromAddress, everywhere = null] = (await consumeLimits(gates)) as [LimitResult, LimitResult, LimitResult?];
  if (!attempt.ok) return { ok: false, message: encodeWait("locked", attempt.retryAt) };
  if (!fromAddress.ok) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.retryAt) };
  if (everywhere && !everywhere.ok) return { ok: false, message: encodeWait("locked", everywhere.retryAt) };

  const result = await verifyCredentials(credentials, password);
  if (result.ok) {
    await resetLimit(limits.accountPasswordFromIp, pair);
    if (everywhere) await resetLimit(limits.unenrolledPassword, email);
    if (setupExpired(result.account)) return { ok: false, message: "setupExpired" };
    return { ...result, emailConfirmed: credentials.emailConfirmed, hasApp: credentials.hasApp };
  }
  if (result.userId) await recordEvent("password-wrong", result.userId, ip);
  const lockedUntil = [attempt.lockedUntil, everywhere?.lockedUntil].filter((d): d is Date => d != null).sort((a, b) => +b - +a)[0];
  if (lockedUntil) {
    if (result.userId) await recordEvent("lockout", result.userId, ip, "password");
    return { ok: false, message: encodeWait("locked", lockedUntil) };
  }
  if (fromAddress.lockedUntil) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.lockedUntil) };
  return { ok: false, message: "signInFailed" };
}
