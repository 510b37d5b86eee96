import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { getConfig } from "./config";

/**
 * NextAuth's double-submit CSRF token, for the code form when it is posted without JavaScript
 * (with JavaScript, next-auth/react fetches the same token from /api/auth/csrf). The cookie holds
 * `token|sha256(token + secret)`, exactly as NextAuth 4 writes and checks it (core/lib/csrf-token).
 */
function cookieName(): string {
  return `${getConfig().secureCookies ? "__Host-" : ""}next-auth.csrf-token`;
}

const hashOf = (token: string) => createHash("sha256").update(`${token}${getConfig().authSecret}`).digest("hex");

/** The token of this browser's CSRF cookie, when it has a valid one (readable from a page). */
export async function readCsrfToken(): Promise<string | null> {
  const value = (await cookies()).get(cookieName())?.value;
  if (!value || value.length > 200) return null;
  const [token, hash] = value.split("|");
  return token && hash === hashOf(token) ? token : null;
}

/** Gives the browser a CSRF cookie if it has no valid one (from a server action or route handler). */
export async function ensureCsrfCookie(): Promise<void> {
  if (await readCsrfToken()) return;
  const token = randomBytes(32).toString("hex");
  (await cookies()).set(cookieName(), `${token}|${hashOf(token)}`, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: getConfig().secureCookies,
  });
}
