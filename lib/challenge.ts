import "server-only";
import { createToken, hashToken } from "./crypto";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "./db";
import { executeSql, queryRows } from "./sql";

export type ChallengePurpose = "sign-in" | "enroll";

/** Long enough to type a code; enrollment also has to allow installing an app first. */
export const CHALLENGE_TTL_SECONDS: Record<ChallengePurpose, number> = {
  "sign-in": 5 * 60,
  enroll: 30 * 60,
};

/** `id` names the challenge server-side (its token's hash): a setup key belongs to it. */
export type Challenge = { id: string; userId: string; purpose: ChallengePurpose; expiresAt: Date };

/**
 * What a correct password earns: an opaque random token for one user and one purpose. Only its
 * SHA-256 is stored, so a copy of the database cannot be replayed as a cookie, and it can be
 * consumed (single use) or expire server-side, which a signed-only token could not.
 */
export async function createChallenge(userId: string, purpose: ChallengePurpose): Promise<{ token: string; maxAge: number }> {
  const token = createToken();
  const maxAge = CHALLENGE_TTL_SECONDS[purpose];
  const now = Date.now();
  await executeSql(Prisma.sql`
    INSERT INTO "AuthChallenge" ("tokenHash", "userId", "purpose", "expiresAt", "createdAt")
    VALUES (${hashToken(token)}, ${userId}, ${purpose}, ${new Date(now + maxAge * 1000)}, ${new Date(now)})`);
  return { token, maxAge };
}

export async function findChallenge(token: string | undefined): Promise<Challenge | null> {
  if (!token || token.length > 100) return null;
  const id = hashToken(token);
  const [row] = await queryRows<{ userId: string; purpose: string; expiresAt: Date; consumedAt: Date | null }>(Prisma.sql`
    SELECT "userId", "purpose", "expiresAt", "consumedAt" FROM "AuthChallenge" WHERE "tokenHash" = ${id}`);
  if (!row || row.consumedAt !== null || row.expiresAt.getTime() <= Date.now()) return null;
  if (row.purpose !== "sign-in" && row.purpose !== "enroll") return null;
  return { id, userId: row.userId, purpose: row.purpose, expiresAt: row.expiresAt };
}

/** True for exactly one caller per token. */
export async function consumeChallenge(token: string): Promise<boolean> {
  const now = new Date();
  // One conditional UPDATE (updateMany would add a transaction around it): only one caller can match.
  const count = await executeSql(Prisma.sql`
    UPDATE "AuthChallenge" SET "consumedAt" = ${now}
    WHERE "tokenHash" = ${hashToken(token)} AND "consumedAt" IS NULL AND "expiresAt" > ${now}`);
  return count === 1;
}

export async function revokeChallenge(token: string | undefined): Promise<void> {
  if (!token || token.length > 100) return;
  await getDb().authChallenge.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** Every half-finished sign-in of a user ends: after a password change, a new phone or a reset. */
export async function revokeChallengesOf(userId: string): Promise<void> {
  await getDb().authChallenge.deleteMany({ where: { userId } });
}

/** Housekeeping (lib/housekeeping.ts), off the sign-in path: expired challenges are useless. */
export async function pruneExpiredChallenges(now = new Date()): Promise<number> {
  const { count } = await getDb().authChallenge.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
