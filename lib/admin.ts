import "server-only";
import { z } from "zod";
import { auditEntryCreate, type Actor } from "./audit";
import { dialect, getDb } from "./db";
import { removeFactorWrites } from "./factors/registry";
import { retiredFromActive } from "./two-factor";
import { setupDeadlineFrom } from "./users";
import { Prisma } from "@/generated/prisma/client";
import { noticeFor } from "./messaging/notices";
import { outboxCreate } from "./messaging/outbox";
import { wakeDeliveryWorker } from "./messaging/worker";
import type { EventType } from "./security-events";
import { forgetRefusals } from "./refusal-memo.mjs";

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
 * The accounts' current lockouts (code step, or password from any one address). Reads only the
 * keys of these accounts: each is an exact key or a prefix range on the primary key, so the cost
 * follows the page shown, not how many counters exist.
 */
async function lockedUntilFor(users: { id: string; email: string }[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  if (users.length === 0) return out;
  const byKey = users.map((user) => ({ user, keys: lockKeys(user) }));
  const locked = await getDb().rateLimit.findMany({
    where: {
      lockedUntil: { gt: new Date() },
      OR: byKey.flatMap(({ keys }) => [{ key: keys.exact }, { key: prefixRange(keys.perAddressPrefix) }]),
    },
    select: { key: true, lockedUntil: true },
  });
  for (const { user, keys } of byKey) {
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

/** More full-text matches than this and the term is common enough to find by walking the email index. */
const DENSE_TERM_MATCHES = 10_000;

/** Search words: lower-cased, split on spaces, each at most 64 characters, at most 8 of them. */
export function searchTerms(query: string): string[] {
  return query
    // No email or name holds a control character (sign-up refuses them), and NUL breaks both databases' text.
    .replace(/\p{Cc}/gu, " ")
    .normalize("NFKC")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8)
    .map((term) => term.slice(0, 64));
}

/** An FTS5 query matching every term (3+ characters) anywhere in the email or the name. */
function ftsQuery(terms: string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" AND ");
}

/**
 * Rows of "UserSearch" holding every term. SQLite: an FTS5 trigram MATCH. PostgreSQL: LIKE over the
 * folded text under a pg_trgm index (migration 20261201_191000_admin_search there), folding the
 * term the same way; `\` escapes LIKE's own wildcards.
 */
function searchMatch(terms: string[]): Prisma.Sql {
  if (dialect() === "sqlite") return Prisma.sql`"UserSearch" MATCH ${ftsQuery(terms)}`;
  const like = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return Prisma.join(terms.map((term) => Prisma.sql`"UserSearch"."text" LIKE search_fold(${like(term)})`), " AND ");
}

/**
 * One page of accounts matching `query`, ordered by email, continuing after the email `after`.
 * Every word of the query must appear somewhere in the email or the name, case- and
 * accent-insensitively ("gray" finds Walter R. Gray, "example.org" every address there).
 * Words of 3+ characters are looked up in the trigram index (UserSearch); a word so common that
 * thousands match is instead checked while walking the email index, where matches are dense.
 * A query of only 1–2 character words matches the start of an email or name, from the indexes.
 */
export async function searchAccounts(query: string, after: string | null): Promise<{ rows: PatientRow[]; next: string | null }> {
  const db = getDb();
  const terms = searchTerms(query.trim().slice(0, 254));
  const afterEmail = after ? after.slice(0, 254) : "";
  const indexed = terms.filter((term) => term.length >= 3);
  let found: PatientRowFields[];
  if (terms.length === 0 || indexed.length === 0) {
    found = await prefixSearch(terms.join(" "), afterEmail);
  } else {
    const contains = (list: string[]) =>
      Prisma.join([Prisma.empty, ...list.map((t) => Prisma.sql`(instr(u."email", ${t}) > 0 OR instr(coalesce(u."nameSearch", ''), ${t}) > 0)`)], " AND ");
    // Terms the trigram index cannot hold (1–2 characters) are checked on the row itself.
    const short = terms.filter((term) => term.length < 3);
    const matched = await db.$queryRaw<RawRow[]>`
      WITH "m" AS MATERIALIZED (SELECT rowid AS "key" FROM "UserSearch" WHERE ${searchMatch(indexed)} LIMIT ${DENSE_TERM_MATCHES + 1})
      SELECT ${rawFields}, (SELECT count(*) FROM "m") AS "total"
      FROM "m" JOIN "UserSearchKey" k ON k."key" = "m"."key" JOIN "User" u ON u."id" = k."userId"
      WHERE u."email" > ${afterEmail} ${short.length ? contains(short) : Prisma.empty}
      ORDER BY u."email" LIMIT ${PAGE_SIZE + 1}`;
    // An empty page says nothing about how many matched before `after`: count them on their own.
    const total = matched.length > 0
      ? Number(matched[0]!.total)
      : Number((await db.$queryRaw<{ n: bigint | number }[]>`
          SELECT count(*) AS "n" FROM (SELECT rowid FROM "UserSearch" WHERE ${searchMatch(indexed)} LIMIT ${DENSE_TERM_MATCHES + 1}) AS "s"`)[0]!.n);
    const dense = total > DENSE_TERM_MATCHES;
    const rows = dense
      ? await db.$queryRaw<RawRow[]>`
          SELECT ${rawFields} FROM "User" u WHERE u."email" > ${afterEmail} ${contains(terms)}
          ORDER BY u."email" LIMIT ${PAGE_SIZE + 1}`
      : matched;
    found = rows.map(fromRaw);
  }
  const shown = found.slice(0, PAGE_SIZE);
  const locks = await lockedUntilFor(shown);
  return {
    rows: shown.map((u) => ({ ...u, lockedUntil: locks.get(u.id) ?? null })),
    next: found.length > PAGE_SIZE ? shown[shown.length - 1]!.email : null,
  };
}

/**
 * Email or name starting with `q` (or everything when empty): each branch is an index range read
 * for at most one page more than shown; the union's first page is always within those.
 */
async function prefixSearch(q: string, afterEmail: string): Promise<PatientRowFields[]> {
  const db = getDb();
  const after = afterEmail ? { gt: afterEmail } : {};
  const page = { orderBy: { email: "asc" as const }, take: PAGE_SIZE + 1, select: rowFields };
  const [byEmail, byName] = await Promise.all([
    db.user.findMany({ where: { email: { ...(q ? prefixRange(q) : {}), ...after } }, ...page }),
    q ? db.user.findMany({ where: { nameSearch: prefixRange(q), email: after }, ...page }) : Promise.resolve([]),
  ]);
  const merged = new Map([...byEmail, ...byName].map((u) => [u.id, u]));
  return [...merged.values()].sort((a, b) => (a.email < b.email ? -1 : 1)).slice(0, PAGE_SIZE + 1);
}

type PatientRowFields = Omit<PatientRow, "lockedUntil">;
type RawRow = { id: string; email: string; name: string | null; role: string; enrolledAt: string | Date | null; lastSignInAt: string | Date | null; total?: bigint | number };

const rawFields = Prisma.sql`u."id", u."email", u."name", u."role", u."enrolledAt", u."lastSignInAt"`;

/** Raw queries hand DateTime columns back as stored text. */
function fromRaw(row: RawRow): PatientRowFields {
  const date = (v: string | Date | null) => (v === null ? null : v instanceof Date ? v : new Date(v));
  return { id: row.id, email: row.email, name: row.name, role: row.role, enrolledAt: date(row.enrolledAt), lastSignInAt: date(row.lastSignInAt) };
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

/** The internal note: why, and how the caller's identity was checked. Only admins ever see it. */
export const reasonSchema = z
  .string({ error: "Write an internal note: why, and how you checked who the patient is. It goes in the audit log only." })
  .transform((s) => s.normalize("NFKC").trim().replace(/\s+/g, " "))
  .refine((s) => s.length >= 5, { error: "Write an internal note of at least 5 characters: why, and how you checked who the patient is." })
  .refine((s) => s.length <= 500, { error: "Keep the internal note under 500 characters." })
  .refine((s) => !/\p{Cc}/u.test(s), { error: "The internal note can't contain control characters." })
  .refine((s) => !/(?![\u200C\u200D])\p{Cf}/u.test(s), { error: "The internal note can't contain invisible formatting characters." });

/** What the patient reads on their setup page after a reset, unless the admin writes something else. */
export const DEFAULT_RESET_MESSAGE = "You asked the clinic to reset your sign-in, for example because you lost or replaced your phone.";

/** The message to the patient; left empty, the default is used. */
export const resetMessageSchema = z
  .string({ error: "Write a message to the patient, or keep the suggested one." })
  .optional()
  .transform((s) => (s ?? "").normalize("NFKC").trim().replace(/\s+/g, " "))
  .transform((s) => s || DEFAULT_RESET_MESSAGE)
  .refine((s) => s.length >= 5, { error: "Write a message to the patient of at least 5 characters, or keep the suggested one." })
  .refine((s) => s.length <= 300, { error: "Keep the message to the patient under 300 characters." })
  .refine((s) => !/\p{Cc}/u.test(s), { error: "The message to the patient can't contain control characters." })
  .refine((s) => !/(?![\u200C\u200D])\p{Cf}/u.test(s), { error: "The message to the patient can't contain invisible formatting characters." });

export type AdminResult = { ok: true } | { ok: false; message: string };

/**
 * A help-desk reset: the patient's secrets and recovery codes go, every session of theirs ends at
 * once, their next sign-in goes straight to enrollment with a notice of when and why, and the
 * audit log and their own activity record it. Only patients' enrollments are reset this way.
 */
export async function resetEnrollment(actor: Actor, targetId: string, reason: string, patientMessage = DEFAULT_RESET_MESSAGE): Promise<AdminResult> {
  const db = getDb();
  const target = await db.user.findUnique({ where: { id: targetId }, select: { id: true, email: true, role: true, totpSecret: true } });
  if (!target) return { ok: false, message: "No such account." };
  if (target.role !== "patient") return { ok: false, message: "Only patients' two-factor setup can be reset here." };
  if (target.id === actor.id) return { ok: false, message: "You can't reset your own setup." };

  // All or nothing: the reset, the end of every session, the two records of it and the patient's email.
  const now = new Date();
  // The email carries the message to the patient, never the internal note.
  const notice = await noticeFor("enrollment-reset", target.id, actor.ip, patientMessage, now);
  await db.$transaction([
    db.user.update({
      where: { id: target.id },
      data: {
        totpSecret: null,
        // Kept sealed only so a code from the lost phone's entry is recognised and explained.
        ...(target.totpSecret ? { totpRetiredSecret: retiredFromActive(target.id, target.totpSecret) } : {}),
        enrolledAt: null,
        totpLastStep: null,
        totpHintedSteps: null,
        setupDeadline: setupDeadlineFrom(now),
        recoveryCodesIssuedAt: null,
        enrollmentResetAt: now,
        // The patient sees this column; the internal note stays in the audit log.
        enrollmentResetReason: patientMessage,
      },
    }),
    db.recoveryCode.deleteMany({ where: { userId: target.id } }),
    db.authChallenge.deleteMany({ where: { userId: target.id } }),
    db.enrollmentKey.deleteMany({ where: { userId: target.id } }),
    ...removeFactorWrites(target.id),
    db.userSession.updateMany({ where: { userId: target.id, endedAt: null }, data: { endedAt: now, endReason: "enrollment-reset" } }),
    db.securityEvent.create({ data: { type: "enrollment-reset" satisfies EventType, userId: target.id, ip: actor.ip, detail: patientMessage.slice(0, 200) } }),
    auditEntryCreate(actor, "enrollment-reset", target, reason, patientMessage),
    ...(notice ? [outboxCreate(notice)] : []),
  ]);
  wakeDeliveryWorker();
  return { ok: true };
}

/**
 * Gives an account that has not set up its authenticator a new setup deadline (for example an
 * admin made at the console who missed it). Enrolled accounts are left alone.
 */
export async function reopenSetup(actor: Actor, targetId: string): Promise<AdminResult> {
  const db = getDb();
  const target = await db.user.findUnique({ where: { id: targetId }, select: { id: true, email: true, enrolledAt: true } });
  if (!target) return { ok: false, message: "No such account." };
  if (target.enrolledAt) return { ok: false, message: "This account has already set up two-step sign-in." };
  await db.$transaction([
    db.user.update({ where: { id: target.id }, data: { setupDeadline: setupDeadlineFrom(new Date()) } }),
    auditEntryCreate(actor, "setup-reopened", target),
  ]);
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
  // This process stops answering the old lock at once; any other one within a second (lib/refusal-memo.mjs).
  forgetRefusals();
  return { ok: true };
}
