import "server-only";
import { randomBytes } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "./db";
import { executeSql, queryRows } from "./sql";

export type SignInMethod = "totp" | "keyfob" | "phone" | "recovery-code";

/** How long a proof of password and code counts for sensitive changes. */
export const STEP_UP_SECONDS = 5 * 60;

/** The session row of a sign-in; the sign-in time itself is recorded by markSignedIn (lib/users.ts). */
export async function createSession(input: { userId: string; method: SignInMethod; ip: string | null; userAgent: string | null }): Promise<string> {
  const id = randomBytes(24).toString("base64url");
  const now = new Date();
  await executeSql(Prisma.sql`
    INSERT INTO "UserSession" ("id", "userId", "createdAt", "stepUpAt", "method", "ip", "userAgent")
    VALUES (${id}, ${input.userId}, ${now}, ${now}, ${input.method}, ${input.ip}, ${input.userAgent?.slice(0, 300) ?? null})`);
  return id;
}

export type ActiveSession = { id: string; userId: string; method: SignInMethod; stepUpAt: Date; createdAt: Date };

export async function findActiveSession(id: string): Promise<ActiveSession | null> {
  if (!id || id.length > 64) return null;
  // Raw SQL: every signed-in request reads this.
  const [row] = await queryRows<{ id: string; userId: string; method: string; stepUpAt: Date; createdAt: Date; endedAt: Date | null }>(Prisma.sql`
    SELECT "id", "userId", "method", "stepUpAt", "createdAt", "endedAt" FROM "UserSession" WHERE "id" = ${id}`);
  if (!row || row.endedAt !== null) return null;
  const method: SignInMethod = row.method === "recovery-code" || row.method === "keyfob" || row.method === "phone" ? row.method : "totp";
  return { id: row.id, userId: row.userId, method, stepUpAt: row.stepUpAt, createdAt: row.createdAt };
}

export function hasFreshStepUp(session: ActiveSession, now = Date.now()): boolean {
  return now - session.stepUpAt.getTime() < STEP_UP_SECONDS * 1000;
}

export async function markStepUp(sessionId: string): Promise<void> {
  await getDb().userSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { stepUpAt: new Date() } });
}

export async function endSession(id: string, reason: string): Promise<void> {
  await getDb().userSession.updateMany({ where: { id, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
}

/** Ends every open session of a user except `keepId` (pass null to end them all); returns how many. */
export async function endSessionsOf(userId: string, keepId: string | null, reason: string): Promise<number> {
  const { count } = await getDb().userSession.updateMany({
    where: { userId, endedAt: null, ...(keepId ? { id: { not: keepId } } : {}) },
    data: { endedAt: new Date(), endReason: reason },
  });
  return count;
}

/** A signed-in browser as its owner sees it in the devices list. */
export type OpenSession = { id: string; createdAt: Date; lastSeenAt: Date; ip: string | null; userAgent: string | null };

export async function listOpenSessions(userId: string): Promise<OpenSession[]> {
  const rows = await getDb().userSession.findMany({
    where: { userId, endedAt: null },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, createdAt: true, lastSeenAt: true, ip: true, userAgent: true },
  });
  return rows.map((row) => ({ ...row, lastSeenAt: row.lastSeenAt ?? row.createdAt }));
}

/** Ends one session, only if it belongs to `userId`: a session id from a form is never trusted alone. */
export async function endSessionOf(userId: string, id: string, reason: string): Promise<boolean> {
  if (!id || id.length > 64) return false;
  const { count } = await getDb().userSession.updateMany({ where: { id, userId, endedAt: null }, data: { endedAt: new Date(), endReason: reason } });
  return count > 0;
}

/** At most one write a minute per session: "last seen" needs no finer grain than that. */
export async function touchSession(id: string, now = new Date()): Promise<void> {
  const staleBefore = new Date(now.getTime() - 60_000);
  // One conditional UPDATE (updateMany would add a transaction around it): every signed-in request asks.
  await executeSql(Prisma.sql`
    UPDATE "UserSession" SET "lastSeenAt" = ${now}
    WHERE "id" = ${id} AND "endedAt" IS NULL AND ("lastSeenAt" IS NULL OR "lastSeenAt" < ${staleBefore})`);
}
