import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { consumeChallenge, findChallenge } from "./challenge";
import { clearChallengeCookie, readChallengeCookie } from "./challenge-cookie";
import { getConfig } from "./config";
import type { MessageKey } from "./messages";
import { confirmEnrollment, verifyTotpForUser, type CodeResult } from "./two-factor";
import { getAccount } from "./users";
import { normalizeCode } from "./validation";

export const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Thrown from authorize(); NextAuth hands the message to the client, which shows messages[key]. */
class CodeStepError extends Error {
  constructor(key: MessageKey) {
    super(key);
  }
}

function failureKey(result: Exclude<CodeResult, { ok: true }>): MessageKey {
  switch (result.reason) {
    case "used":
      return "codeUsed";
    case "wrong":
      return "codeWrong";
    case "replaced":
      return "keyReplaced";
    case "not-enrolling":
      return "notEnrolling";
    case "not-enrolled":
      return "challengeExpired";
  }
}

/**
 * NextAuth copies an authorize() error's message into the redirect URL, so anything that is not
 * one of our message keys (a database or decryption failure) is logged by name only and
 * replaced by a generic key before it can reach the browser.
 */
async function authorizeSafely(rawCode: unknown) {
  try {
    return await authorizeCode(rawCode);
  } catch (error) {
    if (error instanceof CodeStepError) throw error;
    console.error(`[auth] code step failed: ${error instanceof Error ? error.name : "unknown error"}`);
    throw new CodeStepError("somethingWrong");
  }
}

/**
 * The second factor. The password step (app/sign-in/actions.ts) has left a challenge cookie;
 * a valid code for that challenge's user is the only way a session is ever created.
 * Enrollment ends here too: the first valid code for the pending secret both activates it
 * and signs the patient in.
 */
async function authorizeCode(rawCode: unknown) {
  const token = await readChallengeCookie();
  const challenge = await findChallenge(token);
  if (!token || !challenge) throw new CodeStepError("challengeExpired");
  const code = normalizeCode(rawCode);
  if (!code) throw new CodeStepError("codeFormat");

  const result =
    challenge.purpose === "enroll"
      ? await confirmEnrollment(challenge.userId, code)
      : await verifyTotpForUser(challenge.userId, code);
  if (!result.ok) throw new CodeStepError(failureKey(result));
  if (!(await consumeChallenge(token))) throw new CodeStepError("challengeExpired");
  await clearChallengeCookie();

  const account = await getAccount(challenge.userId);
  if (!account?.enrolledAt) throw new CodeStepError("challengeExpired");
  return { id: account.id, email: account.email, name: account.name, role: account.role };
}

export function getAuthOptions(): NextAuthOptions {
  const config = getConfig();
  return {
    secret: config.authSecret,
    useSecureCookies: config.secureCookies,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "totp",
        name: "Authenticator code",
        credentials: { code: { label: "6-digit code", type: "text" } },
        authorize: (credentials) => authorizeSafely(credentials?.code),
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        // Only the id travels; pages load what they show from the database (lib/session.ts).
        return { expires: session.expires, user: { id: typeof token.uid === "string" ? token.uid : "" } };
      },
    },
    logger: {
      // NextAuth's default logger prints error metadata, which can include request bodies.
      error: (code) => console.error(`[auth] ${code}`),
      warn: (code) => console.warn(`[auth] ${code}`),
      debug: () => {},
    },
  };
}
