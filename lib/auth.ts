import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { consumeChallenge, findChallenge } from "./challenge";
import { clearChallengeCookie, readChallengeCookie } from "./challenge-cookie";
import { getClientIp } from "./client-ip";
import { getConfig } from "./config";
import type { MessageKey } from "./messages";
import { passSecondFactor } from "./second-factor";
import { recordEvent } from "./security-events";
import { logError, logWarning } from "./log";
import { decodeSessionToken, encodeSessionToken } from "./session-token";
import { createSession, endSession, findActiveSession, type SignInMethod } from "./sessions";
import { markSignedIn } from "./users";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** NextAuth's own cookie name for the session JWT. */
export function sessionCookieName(): string {
  return `${getConfig().secureCookies ? "__Secure-" : ""}next-auth.session-token`;
}

/** A session cookie whose row has ended (signed out, password changed, reset) or expired. */
class SessionEnded extends Error {}

async function isSessionLive(sid: string): Promise<boolean> {
  const session = await findActiveSession(sid);
  return session !== null && Date.now() - session.createdAt.getTime() <= SESSION_MAX_AGE_SECONDS * 1000;
}

/** Told when the code step refuses a challenge because its account is locked (lib/refusal-memo.mjs). */
export type CodeStepObserver = { accountLocked(challengeToken: string, until: Date): void };

/** Thrown from authorize(); NextAuth hands the message to the client, which renders it. */
class CodeStepError extends Error {
  constructor(encodedMessage: string) {
    super(encodedMessage);
  }
}

/**
 * The second factor. The password step (app/sign-in/password-step.ts) has left a challenge cookie;
 * a valid code for that challenge's user is the only way a session is ever created.
 * Enrollment ends here too: the first valid code for the pending secret both activates it
 * and signs the patient in.
 */
async function authorizeCode(rawCode: unknown, observer?: CodeStepObserver) {
  const token = await readChallengeCookie();
  const challenge = await findChallenge(token);
  if (!token || !challenge) throw new CodeStepError("challengeExpired" satisfies MessageKey);

  const ip = await getClientIp();
  const result = await passSecondFactor({ userId: challenge.userId, purpose: challenge.purpose, code: rawCode, ip, keyOwnerId: challenge.id });
  if (!result.ok) {
    if (result.lockedUntil) observer?.accountLocked(token, result.lockedUntil);
    throw new CodeStepError(result.message);
  }
  if (!(await consumeChallenge(token))) throw new CodeStepError("challengeExpired" satisfies MessageKey);
  await clearChallengeCookie();

  const account = await markSignedIn(challenge.userId);
  if (!account?.enrolledAt) throw new CodeStepError("challengeExpired" satisfies MessageKey);
  if (challenge.purpose === "enroll") await recordEvent("enrolled", account.id, ip);
  return { id: account.id, email: account.email, name: account.name, method: result.method };
}

/**
 * NextAuth copies an authorize() error's message into the redirect URL, so anything that is not
 * one of our messages (a database or decryption failure) is logged by name only and replaced by
 * a generic one before it can reach the browser.
 */
async function authorizeSafely(rawCode: unknown, observer?: CodeStepObserver) {
  try {
    return await authorizeCode(rawCode, observer);
  } catch (error) {
    if (error instanceof CodeStepError) throw error;
    logError("auth", "code step failed:", error instanceof Error ? error.name : "unknown error");
    throw new CodeStepError("somethingWrong" satisfies MessageKey);
  }
}

/** Each sign-in gets its own row, so it can be ended from the server (sign-out, password change). */
async function startSession(userId: string, method: SignInMethod): Promise<string> {
  const ip = await getClientIp();
  const userAgent = (await headers()).get("user-agent");
  const sid = await createSession({ userId, method, ip, userAgent });
  await recordEvent(method === "recovery-code" ? "sign-in-recovery-code" : method === "keyfob" ? "sign-in-keyfob" : method === "phone" ? "sign-in-phone" : "sign-in", userId, ip);
  return sid;
}

export function getAuthOptions(observer?: CodeStepObserver): NextAuthOptions {
  const config = getConfig();
  return {
    secret: config.authSecret,
    useSecureCookies: config.secureCookies,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { encode: encodeSessionToken, decode: decodeSessionToken },
    // A code refused without JavaScript comes back through app/sign-in/retry to the step it came from.
    pages: { signIn: "/sign-in", error: "/sign-in/retry" },
    providers: [
      CredentialsProvider({
        id: "totp",
        name: "Authenticator code",
        credentials: { code: { label: "6-digit code", type: "text" } },
        authorize: (credentials) => authorizeSafely(credentials?.code, observer),
      }),
    ],
    callbacks: {
      async jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sid = await startSession(user.id, user.method ?? "totp");
          return token;
        }
        // NextAuth's own /api/auth/session must not call an ended session live, nor renew its
        // cookie: throwing here makes it answer "no session" and clear the cookie.
        if (typeof token.sid !== "string" || !(await isSessionLive(token.sid))) throw new SessionEnded();
        return token;
      },
      session({ session, token }) {
        // Only the id travels; pages load what they show from the database (lib/session.ts).
        return { expires: session.expires, user: { id: typeof token.uid === "string" ? token.uid : "" } };
      },
    },
    events: {
      async signOut({ token }) {
        if (typeof token?.sid !== "string") return;
        await endSession(token.sid, "signed-out");
        if (typeof token.uid === "string") await recordEvent("signed-out", token.uid, await getClientIp());
      },
    },
    logger: {
      // NextAuth's default logger prints error metadata, which can include request bodies; only
      // the code is written, cleaned of control characters.
      error: (code, metadata) => {
        if (metadata instanceof SessionEnded) return;
        logError("auth", code);
      },
      warn: (code) => logWarning("auth", code),
      debug: () => {},
    },
  };
}
