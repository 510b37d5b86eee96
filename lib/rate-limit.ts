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
    /**
     * Wrong passwords for an email without a confirmed second factor, from anywhere (keyed by the
     * email, so an unknown one behaves the same). Never applied to an enrolled account.
     */
    unenrolledPassword: { prefix: "password:unenrolled", max: limits.unenrolledPasswordFailures, windowSeconds: null, lockMinutes: [15, 60, 240] },
    ipPassword: { prefix: "password:ip", ...ipWindow },
    ipCode: { prefix: "code:ip", ...ipWindow },
    ipSignUp: { prefix: "sign-up:ip", max: limits.signUpsPerIpPerHour, windowSeconds: 60 * 60, lockMinutes: [60] },
  } satisfies Record<string, Policy>;
}

const keyOf = (policy: Policy, subject: string) => `${policy.prefix}:${subject}`;

/** Looks without counting: the early "check before parsing" gate. */
export async function checkLimit(policy: Policy, subject: string, now = new Date()): Promise<LimitResult> {
  const row = await getDb().rateLimit.findUnique({ where: { key: keyOf(policy, subject) }, select: { lockedUntil: true } });
  if (row?.lockedUntil && row.lockedUntil > now) return { ok: false, retryAt: row.lockedUntil };
  return { ok: true, lockedUntil: null };
}

/**
 * Counts one attempt, right before the secret comparison. The attempt that reaches `max` is still
 * allowed (it may be right, and a success resets the count) but locks the key for everything after
 * it, so no more than `max` comparisons ever happen between lockouts, even when requests race.
 */
export async function consumeLimit(policy: Policy, subject: string, now = new Date()): Promise<LimitResult> {
  const db = getDb();
  const key = keyOf(policy, subject);
  for (let attempt = 0; attempt < 20; attempt++) {
    const row = await db.rateLimit.findUnique({ where: { key } });
    if (row?.lockedUntil && row.lockedUntil > now) return { ok: false, retryAt: row.lockedUntil };

    const lockExpired = row?.lockedUntil != null;
    const windowOver = row != null && policy.windowSeconds !== null && now.getTime() - row.windowStart.getTime() >= policy.windowSeconds * 1000;
    const fresh = !row || lockExpired || windowOver;
    const forgetLockouts = row?.lockedUntil != null && now.getTime() - row.lockedUntil.getTime() > LOCKOUT_MEMORY_MS;
    const count = fresh ? 1 : row.count + 1;
    let lockouts = row && !forgetLockouts ? row.lockouts : 0;
    let lockedUntil: Date | null = null;
    if (count >= policy.max) {
      const minutes = policy.lockMinutes[Math.min(lockouts, policy.lockMinutes.length - 1)] ?? 1;
      lockedUntil = new Date(now.getTime() + minutes * 60_000);
      lockouts += 1;
    }
    const data = { count: lockedUntil ? 0 : count, windowStart: fresh ? now : row.windowStart, lockedUntil, lockouts };

    if (!row) {
      try {
        await db.rateLimit.create({ data: { key, ...data } });
        return { ok: true, lockedUntil };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") continue;
        throw error;
      }
    }
    // Only one of several racing requests can move the row from this version to the next.
    const { count: updated } = await db.rateLimit.updateMany({
      where: { key, version: row.version },
      data: { ...data, version: row.version + 1 },
    });
    if (updated === 1) return { ok: true, lockedUntil };
  }
  // Constant contention on one key is itself an attack; refuse rather than count loosely.
  return { ok: false, retryAt: new Date(now.getTime() + 1_000) };
}

/** A success: the count and the lockout history for this key start over. */
export async function resetLimit(policy: Policy, subject: string): Promise<void> {
  await getDb().rateLimit.deleteMany({ where: { key: keyOf(policy, subject) } });
}
