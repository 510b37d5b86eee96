import "server-only";
import { cache } from "react";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { SESSION_MAX_AGE_SECONDS, sessionCookieName } from "./auth";
import { getClientIp } from "./client-ip";
import { getConfig } from "./config";
import { recordEvent } from "./security-events";
import { decodeSessionToken } from "./session-token";
import { endSession, findActiveSession, touchSession, type ActiveSession } from "./sessions";
import { getAccount, type AccountSummary } from "./users";

export type CurrentSession = { account: AccountSummary; session: ActiveSession };

/**
 * Who is asking, for this request: a signed-in, enrolled account and its session row, or null.
 * The JWT cookie only names the session; the row must still be open (not signed out, not ended
 * by a password change) and the account still enrolled, checked in the database every time.
 */
async function sessionIdFromCookie(): Promise<{ sid: string; uid: string | null } | null> {
  const raw = (await cookies()).get(sessionCookieName())?.value;
  if (!raw || raw.length > 8192) return null;
  const token = await decodeSessionToken({ token: raw, secret: getConfig().authSecret }).catch(() => null);
  if (typeof token?.sid !== "string") return null;
  return { sid: token.sid, uid: typeof token.uid === "string" ? token.uid : null };
}

export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const sid = (await sessionIdFromCookie())?.sid;
  if (!sid) return null;
  const session = await findActiveSession(sid);
  if (!session) return null;
  if (Date.now() - session.createdAt.getTime() > SESSION_MAX_AGE_SECONDS * 1000) {
    await endSession(session.id, "expired");
    return null;
  }
  const account = await getAccount(session.userId);
  if (!account?.enrolledAt) return null;
  await touchSession(session.id);
  return { account, session };
});

/** Sign-out: the session row ends (so a copied cookie stops working too) and the cookie goes. */
export async function endCurrentSession(reason: string): Promise<void> {
  const current = await sessionIdFromCookie();
  if (current) {
    await endSession(current.sid, reason);
    if (current.uid) await recordEvent("signed-out", current.uid, await getClientIp());
  }
  const jar = await cookies();
  if (jar.has(sessionCookieName())) jar.delete({ name: sessionCookieName(), path: "/", secure: getConfig().secureCookies, httpOnly: true, sameSite: "lax" });
}

export async function getCurrentAccount(): Promise<AccountSummary | null> {
  return (await getCurrentSession())?.account ?? null;
}

export async function requireSession(): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect("/sign-in");
  return current;
}

export async function requireAccount(): Promise<AccountSummary> {
  return (await requireSession()).account;
}

/**
 * For every /admin page and action: a signed-in admin whose session is still open. Anyone else
 * is sent to sign-in (not signed in) or gets a plain 404 (signed in, not an admin).
 */
export async function requireAdmin(): Promise<CurrentSession> {
  const current = await getCurrentSession();
  if (!current) redirect("/sign-in");
  if (current.account.role !== "admin") notFound();
  return current;
}
