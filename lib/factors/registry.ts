import "server-only";
import type { MessageKey } from "../messages";
import { hotpFactor } from "./hotp";
import { phoneFactor } from "./phone";
import { totpFactor } from "./totp";
import type { CheckContext, FactorSummary, SecondFactor } from "./types";

/**
 * Every second factor, in the order a sign-in code is tried. One line per factor. The app comes
 * first because nearly every account has one: its code is settled without looking for a keyfob.
 * A keyfob's 6-digit code checked against the app first can, like an app code checked against a
 * keyfob's look-ahead window, match by chance (about 1 in 100,000 for a future app step, which is
 * then refused when due); either order has that cost, and the code still passes the keyfob.
 */
export const FACTORS: readonly SecondFactor[] = [totpFactor, hotpFactor, phoneFactor];

/** The factors this account can sign in with now. */
export async function factorsOf(userId: string): Promise<FactorSummary[]> {
  const found = await Promise.all(FACTORS.map((factor) => factor.describe(userId)));
  return found.filter((summary): summary is FactorSummary => summary !== null);
}

/** True when the account's next sign-in goes to the code step rather than to setting up an app. */
export async function hasSignInFactor(userId: string): Promise<boolean> {
  return (await factorsOf(userId)).length > 0;
}

export type SignInCodeResult = { ok: true; method: SecondFactor["method"] } | { ok: false; message: string };

/**
 * A sign-in code against each factor the account holds. The caller (lib/second-factor.ts) has
 * already counted the attempt once, whichever factor it ends up matching. When none matches, the
 * most specific answer wins ("already used", "press again", a clock hint), else the first factor's;
 * with no factor at all the sign-in has been overtaken (say, by a reset) and starts again.
 */
export async function checkSignInCode(userId: string, code: string, context: CheckContext = { ip: null }): Promise<SignInCodeResult> {
  let specific: string | null = null;
  let fallback: string | null = null;
  for (const factor of FACTORS) {
    const result = await factor.check(userId, code, context);
    if (result.ok) return { ok: true, method: factor.method };
    if ("notHeld" in result) continue;
    if (!result.plainWrong) specific ??= result.message;
    fallback ??= result.message;
  }
  return { ok: false, message: specific ?? fallback ?? ("challengeExpired" satisfies MessageKey) };
}

/** The writes that take every factor's hold on the account away, for a reset's transaction. */
export function removeFactorWrites(userId: string) {
  return FACTORS.flatMap((factor) => factor.remove(userId));
}
