import "server-only";
import { encodeWait } from "./messages";
import { checkLimit, consumeLimit, firstRefusal, policies, resetLimit } from "./rate-limit";
import { recordEvent } from "./security-events";
import { checkPassword, type AccountSummary } from "./users";

export type PasswordStepResult = { ok: true; account: AccountSummary } | { ok: false; message: string };

/** Before parsing anything: is this address over its budget? */
export async function checkPasswordBudget(ip: string): Promise<string | null> {
  const result = await checkLimit(policies().ipPassword, ip);
  return result.ok ? null : encodeWait("tooManyAttempts", result.retryAt);
}

/**
 * Email and password, with limits per address, per email from this address, and per email. The
 * answer for a locked email is the same whether or not an account exists behind it.
 */
export async function passPasswordStep(email: string, password: string, ip: string): Promise<PasswordStepResult> {
  const limits = policies();
  const pair = `${email}|${ip}`;
  const locked = await firstRefusal([checkLimit(limits.accountPasswordFromIp, pair), checkLimit(limits.accountPassword, email)]);
  if (!locked.ok) return { ok: false, message: encodeWait("locked", locked.retryAt) };

  const attempt = await firstRefusal([
    consumeLimit(limits.ipPassword, ip),
    consumeLimit(limits.accountPasswordFromIp, pair),
    consumeLimit(limits.accountPassword, email),
  ]);
  if (!attempt.ok) return { ok: false, message: encodeWait("locked", attempt.retryAt) };

  const result = await checkPassword(email, password);
  if (result.ok) {
    await Promise.all([resetLimit(limits.accountPasswordFromIp, pair), resetLimit(limits.accountPassword, email)]);
    return result;
  }
  if (result.userId) await recordEvent("password-wrong", result.userId, ip);
  if (attempt.lockedUntil) {
    if (result.userId) await recordEvent("lockout", result.userId, ip, "password");
    return { ok: false, message: encodeWait("locked", attempt.lockedUntil) };
  }
  return { ok: false, message: "signInFailed" };
}
