import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { getDb, sqlTime } from "./db";
import { executeSql, queryRows } from "./sql";

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
    /**
     * Wrong passwords for an email without a confirmed second factor, from anywhere (keyed by the
     * email, so an unknown one behaves the same). Never applied to an enrolled account.
     */
    unenrolledPassword: { prefix: "password:unenrolled", max: limits.unenrolledPasswordFailures, windowSeconds: null, lockMinutes: [15, 60, 240] },
    ipPassword: { prefix: "password:ip", ...ipWindow },
    ipCode: { prefix: "code:ip", ...ipWindow },
    ipSignUp: { prefix: "sign-up:ip", max: limits.signUpsPerIpPerHour, windowSeconds: 60 * 60, lockMinutes: [60] },
    /**
     * Codes sent by text or call cost the clinic money and are the target of SMS pumping and toll
     * fraud: a short and a daily budget per account and per number, and an hourly one per address.
     */
    phoneSendAccount: { prefix: "phone-send:account", max: 3, windowSeconds: 15 * 60, lockMinutes: [15] },
    phoneSendAccountDay: { prefix: "phone-send:account-day", max: 10, windowSeconds: 24 * 60 * 60, lockMinutes: [24 * 60] },
    phoneSendNumber: { prefix: "phone-send:number", max: 3, windowSeconds: 15 * 60, lockMinutes: [15] },
    phoneSendNumberDay: { prefix: "phone-send:number-day", max: 10, windowSeconds: 24 * 60 * 60, lockMinutes: [24 * 60] },
    phoneSendIp: { prefix: "phone-send:ip", max: 10, windowSeconds: 60 * 60, lockMinutes: [60] },
    phoneSendIpDay: { prefix: "phone-send:ip-day", max: 30, windowSeconds: 24 * 60 * 60, lockMinutes: [24 * 60] },
  } satisfies Record<string, Policy>;
}

const keyOf = (policy: Policy, subject: string) => `${policy.prefix}:${subject}`;

/** Looks without counting: the early "check before parsing" gate. */
export async function checkLimit(policy: Policy, subject: string, now = new Date()): Promise<LimitResult> {
  const result = await checkLimits([[policy, subject]], now);
  return result.ok ? { ok: true, lockedUntil: null } : { ok: false, retryAt: result.retryAt };
}

/** Several early gates in one read: the first locked one in the order given, by its index. */
export async function checkLimits(gates: [Policy, string][], now = new Date()): Promise<{ ok: true } | { ok: false; retryAt: Date; gate: number }> {
  const keys = gates.map(([policy, subject]) => keyOf(policy, subject));
  // Raw SQL: this read runs before every password and code, a locked account's refusal included.
  const rows = await queryRows<{ key: string; lockedUntil: Date }>(Prisma.sql`
    SELECT "key", "lockedUntil" FROM "RateLimit" WHERE "key" IN (${Prisma.join(keys)}) AND "lockedUntil" > ${now}`);
  const gate = keys.findIndex((key) => rows.some((row) => row.key === key));
  if (gate === -1) return { ok: true };
  return { ok: false, retryAt: rows.find((row) => row.key === keys[gate])!.lockedUntil, gate };
}

/** The pause after `lockouts` earlier lockouts: the policy's steps, the last one repeating. */
const lockDuration = (policy: Policy, lockouts: number) => policy.lockMinutes[Math.min(lockouts, policy.lockMinutes.length - 1)] ?? 1;

/**
 * Counts one attempt, right before the secret comparison. The attempt that reaches `max` is still
 * allowed (it may be right, and a success resets the count) but locks the key for everything after
 * it, so no more than `max` comparisons ever happen between lockouts, even when requests race.
 */
export async function consumeLimit(policy: Policy, subject: string, now = new Date()): Promise<LimitResult> {
  return (await consumeLimits([[policy, subject]], now))[0]!;
}

/**
 * Counts one attempt against each of several keys (distinct ones) in one statement, as
 * consumeLimit does for one; results in the same order. A key that is locked is left as it is.
 *
 * One INSERT … ON CONFLICT DO UPDATE … RETURNING: the database applies racing attempts one after
 * the other to the row as it stands, so none is lost and none is refused for arriving at the same
 * time as another. A row is only updated while its key is not locked; no row back means locked.
 * Plain SQL that SQLite (3.35+) and PostgreSQL both run: every time is computed here, not in SQL.
 */
export async function consumeLimits<const T extends readonly [Policy, string][]>(counts: T, now = new Date()): Promise<{ -readonly [K in keyof T]: LimitResult }> {
  const keys = counts.map(([policy, subject]) => keyOf(policy, subject));
  if (new Set(keys).size !== keys.length) throw new Error("consumeLimits needs distinct keys");
  const results = new Map<string, LimitResult>();
  for (let attempt = 0; attempt < 10; attempt++) {
    const pending = counts.filter(([policy, subject]) => !results.has(keyOf(policy, subject)));
    if (pending.length === 0) return keys.map((key) => results.get(key)!) as { -readonly [K in keyof T]: LimitResult };
    const rows = await queryRows<{ key: string; lockedUntil: Date | string | null }>(upsertAttempts(pending, now));
    for (const row of rows) results.set(row.key, { ok: true, lockedUntil: row.lockedUntil === null ? null : new Date(row.lockedUntil) });
    for (const [policy, subject] of pending) {
      if (results.has(keyOf(policy, subject))) continue;
      const locked = await checkLimit(policy, subject, now);
      // Still open means the lock was lifted between the two statements (a success, an admin's
      // unlock): this key is counted again on the next pass.
      if (!locked.ok) results.set(keyOf(policy, subject), locked);
    }
  }
  throw new Error("rate limit rows kept changing between lock and unlock");
}

/** The one statement behind consumeLimits; each SET picks its key's own policy. */
function upsertAttempts(counts: readonly [Policy, string][], now: Date): Prisma.Sql {
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
  const memoryCutoff = new Date(now.getTime() - LOCKOUT_MEMORY_MS);
  // The row's old values, as every SET expression sees them.
  const kept = Prisma.sql`(CASE WHEN "RateLimit"."lockedUntil" < ${memoryCutoff} THEN 0 ELSE "RateLimit"."lockouts" END)`;

  const inserts: Prisma.Sql[] = [];
  const set: Record<"count" | "windowStart" | "lockedUntil" | "lockouts", Prisma.Sql[]> = { count: [], windowStart: [], lockedUntil: [], lockouts: [] };
  for (const [policy, subject] of counts) {
    const key = keyOf(policy, subject);
    // A first attempt on a new key.
    const locksFirst = 1 >= policy.max;
    const firstLock = locksFirst ? at(lockDuration(policy, 0)) : null;
    inserts.push(Prisma.sql`(${key}, ${locksFirst ? 0 : 1}, ${now}, ${firstLock}, ${locksFirst ? 1 : 0}, 0, ${now})`);

    const windowCutoff = policy.windowSeconds === null ? null : new Date(now.getTime() - policy.windowSeconds * 1000);
    const fresh = Prisma.sql`("RateLimit"."lockedUntil" IS NOT NULL OR "RateLimit"."windowStart" <= ${windowCutoff})`;
    const next = Prisma.sql`(CASE WHEN ${fresh} THEN 1 ELSE "RateLimit"."count" + 1 END)`;
    const steps = policy.lockMinutes.slice(0, -1).map((minutes, index) => Prisma.sql`WHEN ${kept} = ${index} THEN ${sqlTime(at(minutes))} `);
    const last = at(lockDuration(policy, Number.MAX_SAFE_INTEGER));
    const pause = steps.length === 0 ? sqlTime(last) : Prisma.sql`(CASE ${Prisma.join(steps, "")}ELSE ${sqlTime(last)} END)`;
    const locks = Prisma.sql`${next} >= ${policy.max}`;
    const when = (value: Prisma.Sql) => Prisma.sql`WHEN ${key} THEN ${value} `;
    set.count.push(when(Prisma.sql`CASE WHEN ${locks} THEN 0 ELSE ${next} END`));
    set.windowStart.push(when(Prisma.sql`CASE WHEN ${fresh} THEN ${sqlTime(now)} ELSE "RateLimit"."windowStart" END`));
    set.lockedUntil.push(when(Prisma.sql`CASE WHEN ${locks} THEN ${pause} ELSE NULL END`));
    set.lockouts.push(when(Prisma.sql`CASE WHEN ${locks} THEN ${kept} + 1 ELSE ${kept} END`));
  }
  const perKey = (parts: Prisma.Sql[]) => Prisma.sql`CASE "RateLimit"."key" ${Prisma.join(parts, "")}END`;
  return Prisma.sql`
    INSERT INTO "RateLimit" ("key", "count", "windowStart", "lockedUntil", "lockouts", "version", "updatedAt")
    VALUES ${Prisma.join(inserts)}
    ON CONFLICT ("key") DO UPDATE SET
      "count" = ${perKey(set.count)},
      "windowStart" = ${perKey(set.windowStart)},
      "lockedUntil" = ${perKey(set.lockedUntil)},
      "lockouts" = ${perKey(set.lockouts)},
      "version" = "RateLimit"."version" + 1,
      "updatedAt" = ${now}
    WHERE "RateLimit"."lockedUntil" IS NULL OR "RateLimit"."lockedUntil" <= ${now}
    RETURNING "key", "lockedUntil"`;
}

/**
 * A success: the count and the lockout history for this key start over. The row stays (for the
 * next attempt to update in place); the housekeeping job removes rows nobody has used in a day.
 */
export async function resetLimit(policy: Policy, subject: string, now = new Date()): Promise<void> {
  await executeSql(Prisma.sql`
    UPDATE "RateLimit" SET "count" = 0, "lockouts" = 0, "lockedUntil" = NULL, "updatedAt" = ${now}
    WHERE "key" = ${keyOf(policy, subject)}`);
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
