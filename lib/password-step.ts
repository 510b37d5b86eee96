import "server-only";
import { encodeWait } from "./messages";
import { checkLimit, consumeLimits, policies, resetLimit } from "./rate-limit";
import { recordEvent } from "./security-events";
import { checkPassword, type AccountSummary } from "./users";

export type PasswordStepResult = { ok: true; account: AccountSummary } | { ok: false; message: string };

/** Before parsing anything: is this address over its budget? */
export async function checkPasswordBudget(ip: string): Promise<string | null> {
  const result = await checkLimit(policies().ipPassword, ip);
  return result.ok ? null : encodeWait("tooManyAttempts", result.retryAt);
}

/**
 * Email and password, with limits per address and per email from this address. The answer for a
 * locked email is the same whether or not an account exists behind it.
 */
export async function passPasswordStep(email: string, password: string, ip: string): Promise<PasswordStepResult> {
  const limits = policies();
  const pair = `${email}|${ip}`;
  // Both counts in one statement. A locked key is not counted; the other one is, which can only
  // make a budget run out sooner, never let an extra comparison through.
  const [attempt, fromAddress] = await consumeLimits([
    [limits.accountPasswordFromIp, pair],
    [limits.ipPassword, ip],
  ]);
  if (!attempt.ok) return { ok: false, message: encodeWait("locked", attempt.retryAt) };
  if (!fromAddress.ok) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.retryAt) };

  const result = await checkPassword(email, password);
  if (result.ok) {
    await resetLimit(limits.accountPasswordFromIp, pair);
    return result;
  }
  if (result.userId) await recordEvent("password-wrong", result.userId, ip);
  if (attempt.lockedUntil) {
    if (result.userId) await recordEvent("lockout", result.userId, ip, "password");
    return { ok: false, message: encodeWait("locked", attempt.lockedUntil) };
  }
  if (fromAddress.lockedUntil) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.lockedUntil) };
  return { ok: false, message: "signInFailed" };
}
