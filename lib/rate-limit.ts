import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { getDb } from "./db";

/**
 * A budget of attempts for one key. With `windowSeconds` the count starts again when the window
 * has passed; without, it only starts again after a lockout ends or a success resets it, so it
 * counts consecutive failures.
 */
export type Policy = { prefix: string; max: number; windowSeconds: number | null; lockMinutes: number[] };

export type LimitResult = { ok: true; lockedUntil: Date | null } | { ok: false; retryAt: Date };

/** Lockouts older than this no longer make the next one longer. */
const LOCKOUT_MEMORY_MS = 24 * 60 * 60 * 1000;

export function policies() {
  const { limits } = getConfig();
  const ipWindow = { max: limits.ipAttemptsPer15Min, windowSeconds: 15 * 60, lockMinutes: [15] };
  return {
    /** Wrong codes (authenticator or recovery) for one account, from anywhere. */
    accountCode: { prefix: "code:account", max: limits.codeLockoutAfter, windowSeconds: null, lockMinutes: limits.lockoutMinutes },
    /**
     * Wrong passwords for one email from one address. Keyed by both, so someone who knows only a
     * patient's email slows down their own address, never the patient's. There is deliberately no
     * account-wide password lock: anyone could trigger it, and the code step's account lock (which
     * only a correct password reaches) is what caps guessing across many addresses.
     */
    accountPasswordFromIp: { prefix: "password:account-ip", max: 5, windowSeconds: null, lockMinutes: [1, 5, 15] },
    ipPassword: { prefix: "password:ip", ...ipWindow },
    ipCode: { prefix: "code:ip", ...ipWindow },
    ipSignUp: { prefix: "sign-up:ip", max: limits.signUpsPerIpPerHour, windowSeconds: 60 * 60, lockMinutes: [60] },
  } satisfies Record<string, Policy>;
}

const keyOf = (policy: Policy, subject: string) => `${policy.prefix}:${subject}`;

/** Looks without counting: the early "check before parsing" gate. */
export async function checkLimit(policy: Policy, subject: string, now = new Date()): Promise<LimitResult> {
  return checkLimits([[policy, subject]], now);
}

/**
 * Several early gates in one read. Refused with the latest lock among them, so a patient told
 * when to retry is not refused again at that time by another of the keys.
 */
export async function checkLimits(gates: [Policy, string][], now = new Date()): Promise<LimitResult> {
  const keys = gates.map(([policy, subject]) => keyOf(policy, subject));
  const rows = await getDb().rateLimit.findMany({
    where: { key: keys.length === 1 ? keys[0] : { in: keys }, lockedUntil: { gt: now } },
    select: { lockedUntil: true },
  });
  const latest = rows.reduce<Date | null>((max, row) => (row.lockedUntil && (!max || row.lockedUntil > max) ? row.lockedUntil : max), null);
  return latest ? { ok: false, retryAt: latest } : { ok: true, lockedUntil: null };
}

/** The pause after `lockouts` earlier lockouts: the policy's steps, the last one repeating. */
const lockDuration = (policy: Policy, lockouts: number) => policy.lockMinutes[Math.min(lockouts, policy.lockMinutes.length - 1)] ?? 1;

/**
 * Counts one attempt, right before the secret comparison. The attempt that reaches `max` is still
 * allowed (it may be right, and a success resets the count) but locks the key for everything after
 * it, so no more than `max` comparisons ever happen between lockouts, even when requests race.
 *
 * One INSERT … ON CONFLICT DO UPDATE … RETURNING: the database applies racing attempts one after
 * the other to the row as it stands, so none is lost and none is refused for arriving at the same
 * time as another. The update only happens while the key is not locked; no row back means locked.
 * Plain SQL that SQLite (3.35+) and PostgreSQL both run: every time is computed here, not in SQL.
 */
export async function consumeLimit(policy: Policy, subject: string, now = new Date()): Promise<LimitResult> {
  const db = getDb();
  const key = keyOf(policy, subject);
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const windowCutoff = policy.windowSeconds === null ? null : new Date(now.getTime() - policy.windowSeconds * 1000);
  const memoryCutoff = new Date(now.getTime() - LOCKOUT_MEMORY_MS);

  // A first attempt on a new key.
  const firstLocks = 1 >= policy.max;
  const first = { count: firstLocks ? 0 : 1, lockedUntil: firstLocks ? at(lockDuration(policy, 0)) : null, lockouts: firstLocks ? 1 : 0 };

  // The row's old values, as every SET expression sees them.
  const fresh = Prisma.sql`("RateLimit"."lockedUntil" IS NOT NULL OR "RateLimit"."windowStart" <= ${windowCutoff})`;
  const next = Prisma.sql`(CASE WHEN ${fresh} THEN 1 ELSE "RateLimit"."count" + 1 END)`;
  const kept = Prisma.sql`(CASE WHEN "RateLimit"."lockedUntil" < ${memoryCutoff} THEN 0 ELSE "RateLimit"."lockouts" END)`;
  const steps = policy.lockMinutes.slice(0, -1).map((minutes, index) => Prisma.sql`WHEN ${kept} = ${index} THEN ${at(minutes)} `);
  const last = at(lockDuration(policy, Number.MAX_SAFE_INTEGER));
  const pause = steps.length === 0 ? Prisma.sql`${last}` : Prisma.sql`(CASE ${Prisma.join(steps, "")}ELSE ${last} END)`;
  const locks = Prisma.sql`${next} >= ${policy.max}`;

  for (let attempt = 0; attempt < 10; attempt++) {
    const rows = await db.$queryRaw<{ lockedUntil: Date | string | null }[]>`
      INSERT INTO "RateLimit" ("key", "count", "windowStart", "lockedUntil", "lockouts", "version", "updatedAt")
      VALUES (${key}, ${first.count}, ${now}, ${first.lockedUntil}, ${first.lockouts}, 0, ${now})
      ON CONFLICT ("key") DO UPDATE SET
        "count" = CASE WHEN ${locks} THEN 0 ELSE ${next} END,
        "windowStart" = CASE WHEN ${fresh} THEN ${now} ELSE "RateLimit"."windowStart" END,
        "lockedUntil" = CASE WHEN ${locks} THEN ${pause} ELSE NULL END,
        "lockouts" = CASE WHEN ${locks} THEN ${kept} + 1 ELSE ${kept} END,
        "version" = "RateLimit"."version" + 1,
        "updatedAt" = ${now}
      WHERE "RateLimit"."lockedUntil" IS NULL OR "RateLimit"."lockedUntil" <= ${now}
      RETURNING "lockedUntil"`;
    if (rows.length === 1) {
      const lockedUntil = rows[0]!.lockedUntil;
      return { ok: true, lockedUntil: lockedUntil === null ? null : new Date(lockedUntil) };
    }
    const locked = await checkLimit(policy, subject, now);
    if (!locked.ok) return locked;
    // The lock was lifted between the two statements (a success or an admin's unlock): count again.
  }
  throw new Error("rate limit row kept changing between lock and unlock");
}

/**
 * A success: the count and the lockout history for this key start over. The row stays (for the
 * next attempt to update in place); the housekeeping job removes rows nobody has used in a day.
 */
export async function resetLimit(policy: Policy, subject: string): Promise<void> {
  await getDb().rateLimit.updateMany({
    where: { key: keyOf(policy, subject) },
    data: { count: 0, lockouts: 0, lockedUntil: null },
  });
}

/** Rows idle this long carry nothing a policy still needs (windows are at most an hour long). */
export const RATE_LIMIT_IDLE_MS = LOCKOUT_MEMORY_MS;

/**
 * Deletes counters that no longer matter: untouched for a day and not locked within that day.
 * At most `batch` rows per statement, so a large backlog never holds the write lock for long.
 * Returns how many rows went.
 */
export async function pruneRateLimits(now = new Date(), batch = 1_000): Promise<number> {
  const cutoff = new Date(now.getTime() - RATE_LIMIT_IDLE_MS);
  let total = 0;
  for (;;) {
    const removed = await getDb().$executeRaw`
      DELETE FROM "RateLimit" WHERE "key" IN (
        SELECT "key" FROM "RateLimit"
        WHERE "updatedAt" < ${cutoff} AND ("lockedUntil" IS NULL OR "lockedUntil" < ${cutoff})
        LIMIT ${batch})`;
    total += removed;
    if (removed < batch) return total;
  }
}
