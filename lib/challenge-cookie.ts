import "server-only";
import { cookies } from "next/headers";
import { ensureCsrfCookie } from "./auth-csrf";
import { createChallenge, findChallenge, revokeChallenge } from "./challenge";
import { getConfig } from "./config";
import { getClientIp } from "./client-ip";
import { hashToken } from "./crypto";
import { sendSignInCode } from "./factors/phone/phones";
import { FACTORS, factorsOf, hasSignInFactor } from "./factors/registry";
import { CHALLENGE_COOKIE, SECURE_CHALLENGE_COOKIE } from "./refusal-memo.mjs";

/** `__Host-` pins the cookie to this exact host over https; plain http (local use) cannot carry it. */
export function challengeCookieName(): string {
  return getConfig().secureCookies ? SECURE_CHALLENGE_COOKIE : CHALLENGE_COOKIE;
}

export async function setChallengeCookie(token: string, maxAge: number): Promise<void> {
  (await cookies()).set(challengeCookieName(), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: getConfig().secureCookies,
    path: "/",
    maxAge,
  });
}

export async function readChallengeCookie(): Promise<string | undefined> {
  return (await cookies()).get(challengeCookieName())?.value;
}

export async function clearChallengeCookie(): Promise<void> {
  (await cookies()).delete({ name: challengeCookieName(), path: "/", secure: getConfig().secureCookies, httpOnly: true, sameSite: "lax" });
}

/**
 * After a correct password: hand the browser a challenge for the step that comes next and
 * say where that step lives. Unenrolled accounts go to enrollment, which also ends in a code.
 */
export async function startSecondFactor(user: { id: string; enrolledAt: Date | null }, hasApp = false): Promise<"/sign-in/code" | "/enroll"> {
  await revokeChallenge(await readChallengeCookie());
  // A keyfob handed out by the clinic is proven with its first code at the code step.
  const purpose = user.enrolledAt || (await hasSignInFactor(user.id)) ? "sign-in" : "enroll";
  const { token, maxAge } = await createChallenge(user.id, purpose);
  await setChallengeCookie(token, maxAge);
  // An account with an app is never phone-only: no need to look at its factors.
  if (purpose === "sign-in" && !hasApp) await textCodeIfOnlyPhone(user.id, hashToken(token));
  // The code form posts to NextAuth even without JavaScript; it needs this to carry the CSRF token.
  await ensureCsrfCookie();
  return purpose === "sign-in" ? "/sign-in/code" : "/enroll";
}

/**
 * A patient whose only factor is a phone gets the code texted straight away; one who also has an
 * app or keyfob asks for it on the code step. A refused send (limits, cooldown) is shown there.
 */
async function textCodeIfOnlyPhone(userId: string, challengeId: string): Promise<void> {
  // Most accounts have no phone: one read settles it for them instead of one per factor.
  if (!(await FACTORS.find((factor) => factor.kind === "phone")?.describe(userId))) return;
  const factors = await factorsOf(userId);
  if (factors.length !== 1 || factors[0]!.kind !== "phone") return;
  await sendSignInCode({ userId, challengeId, channel: "sms", ip: await getClientIp() });
}

/** The challenge this browser holds, if it is still good. */
export async function currentChallenge() {
  return findChallenge(await readChallengeCookie());
}

/**
 * Where to send someone whose challenge is not (or no longer) good: with the "sign-in has ended"
 * notice only if this browser really had a sign-in under way.
 */
export async function signInAgainPath(): Promise<string> {
  return (await readChallengeCookie()) ? "/sign-in?notice=challengeExpired" : "/sign-in";
}

export async function endChallenge(): Promise<void> {
  await revokeChallenge(await readChallengeCookie());
  await clearChallengeCookie();
}
