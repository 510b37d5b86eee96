import "server-only";
import { z } from "zod";
import { auditEntryCreate, type Actor } from "./audit";
import { getDb } from "./db";
import { noticeFor } from "./messaging/notices";
import { outboxCreate } from "./messaging/outbox";
import { wakeDeliveryWorker } from "./messaging/worker";
import type { EventType } from "./security-events";

export const PAGE_SIZE = 25;

export type PatientRow = {
  id: string;
  email: string;
  name: string | null;
  role: string;
  enrolledAt: Date | null;
  lastSignInAt: Date | null;
  lockedUntil: Date | null;
};

const rowFields = { id: true, email: true, name: true, role: true, enrolledAt: true, lastSignInAt: true } as const;

/** `q` ≤ value < `q` + the highest code point: a prefix match that SQLite answers from the index. */
const prefixRange = (q: string) => ({ gte: q, lt: `${q}\u{10FFFF}` });

/**
 * The accounts' current lockouts (code step, or password from any one address). Read through the
 * index on lockedUntil: only keys locked right now, however many accounts there are.
 */
async function lockedUntilFor(users: { id: string; email: string }[]): Promise<Map<string, Date>> {
  const locked = await getDb().rateLimit.findMany({ where: { lockedUntil: { gt: new Date() } }, select: { key: true, lockedUntil: true } });
  const out = new Map<string, Date>();
  for (const user of users) {
    const keys = lockKeys(user);
    for (const row of locked) {
      if (!keys.matches(row.key)) continue;
      const current = out.get(user.id);
      if (!current || row.lockedUntil! > current) out.set(user.id, row.lockedUntil!);
    }
  }
  return out;
}

/** The rate-limit keys that can lock one account (lib/rate-limit.ts policies). */
function lockKeys(user: { id: string; email: string }) {
  const exact = `code:account:${user.id}`;
  const perAddressPrefix = `password:account-ip:${user.email}|`;
  return { exact, perAddressPrefix, matches: (key: string) => key === exact || key.startsWith(perAddressPrefix) };
}

/**
 * One page of accounts whose email or name starts with `query` (case-insensitive), ordered by
 * email, continuing after the email `after`. Each branch is an index range read for at most one
 * page more than shown; the union's first page is always within those.
 */
export async function searchAccounts(query: string, after: string | null): Promise<{ rows: PatientRow[]; next: string | null }> {
  const db = getDb();
  const q = query.trim().toLowerCase().slice(0, 254);
  const afterEmail = after ? { gt: after.slice(0, 254) } : {};
  const page = { orderBy: { email: "asc" as const }, take: PAGE_SIZE + 1, select: rowFields };
  const [byEmail, byName] = await Promise.all([
    db.user.findMany({ where: { email: { ...(q ? prefixRange(q) : {}), ...afterEmail } }, ...page }),
    q ? db.user.findMany({ where: { nameSearch: prefixRange(q), email: afterEmail }, ...page }) : Promise.resolve([]),
  ]);
  const merged = new Map([...byEmail, ...byName].map((u) => [u.id, u]));
  const found = [...merged.values()].sort((a, b) => (a.email < b.email ? -1 : 1));
  const shown = found.slice(0, PAGE_SIZE);
  const locks = await lockedUntilFor(shown);
  return {
    rows: shown.map((u) => ({ ...u, lockedUntil: locks.get(u.id) ?? null })),
    next: found.length > PAGE_SIZE ? shown[shown.length - 1]!.email : null,
  };
}

export async function findAccountByEmail(email: string) {
  return getDb().user.findUnique({ where: { email: email.trim().toLowerCase() }, select: rowFields });
}

export type AccountDetail = PatientRow & { enrollmentResetAt: Date | null; enrollmentResetReason: string | null; unusedRecoveryCodes: number };

export async function getAccountDetail(id: string): Promise<AccountDetail | null> {
  if (!id || id.length > 64) return null;
  const db = getDb();
  const user = await db.user.findUnique({ where: { id }, select: { ...rowFields, enrollmentResetAt: true, enrollmentResetReason: true } });
  if (!user) return null;
  const locks = await lockedUntilFor([user]);
  const unusedRecoveryCodes = await db.recoveryCode.count({ where: { userId: id, usedAt: null } });
  return { ...user, lockedUntil: locks.get(id) ?? null, unusedRecoveryCodes };
}

export const reasonSchema = z
  .string({ error: "Give a reason: it is shown to the patient and kept in the audit log." })
  .transform((s) => s.normalize("NFKC").trim().replace(/\s+/g, " "))
  .refine((s) => s.length >= 5, { error: "Give a reason of at least 5 characters: it is shown to the patient and kept in the audit log." })
  .refine((s) => s.length <= 500, { error: "Keep the reason under 500 characters." })
  .refine((s) => !/\p{Cc}/u.test(s), { error: "The reason can't contain control characters." });

export type AdminResult = { ok: true } | { ok: false; message: string };

/**
 * A help-desk reset: the patient's secrets and recovery codes go, every session of theirs ends at
 * once, their next sign-in goes straight to enrollment with a notice of when and why, and the
 * audit log and their own activity record it. Only patients' enrollments are reset this way.
 */
export async function resetEnrollment(actor: Actor, targetId: string, reason: string): Promise<AdminResult> {
  const db = getDb();
  const target = await db.user.findUnique({ where: { id: targetId }, select: { id: true, email: true, role: true, enrolledAt: true, totpPendingSecret: true } });
  if (!target) return { ok: false, message: "No such account." };
  if (target.role !== "patient") return { ok: false, message: "Only patients' two-factor setup can be reset here." };
  if (target.id === actor.id) return { ok: false, message: "You can't reset your own setup." };

  // All or nothing: the reset, the end of every session, the two records of it and the patient's email.
  const now = new Date();
  const notice = await noticeFor("enrollment-reset", target.id, actor.ip, reason, now);
  await db.$transaction([
    db.user.update({
      where: { id: target.id },
      data: {
        totpSecret: null,
        totpPendingSecret: null,
        totpPendingSince: null,
        enrolledAt: null,
        totpLastStep: null,
        recoveryCodesIssuedAt: null,
        enrollmentResetAt: now,
        enrollmentResetReason: reason,
      },
    }),
    db.recoveryCode.deleteMany({ where: { userId: target.id } }),
    db.authChallenge.deleteMany({ where: { userId: target.id } }),
    db.userSession.updateMany({ where: { userId: target.id, endedAt: null }, data: { endedAt: now, endReason: "enrollment-reset" } }),
    db.securityEvent.create({ data: { type: "enrollment-reset" satisfies EventType, userId: target.id, ip: actor.ip, detail: reason.slice(0, 200) } }),
    auditEntryCreate(actor, "enrollment-reset", target, reason),
    ...(notice ? [outboxCreate(notice)] : []),
  ]);
  wakeDeliveryWorker();
  return { ok: true };
}

/** Ends a lockout early: the account's code and password counters start over. */
export async function unlockAccount(actor: Actor, targetId: string): Promise<AdminResult> {
  const db = getDb();
  const target = await db.user.findUnique({ where: { id: targetId }, select: { id: true, email: true } });
  if (!target) return { ok: false, message: "No such account." };
  const keys = lockKeys(target);
  // Exact string comparison on the prefix: LIKE would read "_" in an email as a wildcard.
  await db.$transaction([
    db.rateLimit.deleteMany({ where: { key: keys.exact } }),
    db.$executeRaw`DELETE FROM "RateLimit" WHERE substr("key", 1, ${keys.perAddressPrefix.length}) = ${keys.perAddressPrefix}`,
    db.securityEvent.create({ data: { type: "account-unlocked" satisfies EventType, userId: target.id, ip: actor.ip } }),
    auditEntryCreate(actor, "account-unlocked", target),
  ]);
  return { ok: true };
}
