import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { asDate, getDb } from "./db";
import { queryRows } from "./sql";
import { hashPassword, verifyPassword } from "./password";

export type Role = "patient" | "admin";

export type AccountSummary = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  enrolledAt: Date | null;
  /** An unenrolled account made by the console or reset by the clinic must finish setup by then. */
  setupDeadline: Date | null;
};

const summaryFields = { id: true, email: true, name: true, role: true, enrolledAt: true, setupDeadline: true } as const;

function toSummary(row: Omit<AccountSummary, "role"> & { role: string }): AccountSummary {
  return { ...row, role: row.role === "admin" ? "admin" : "patient" };
}

/** The summary's columns as raw SQL returns them (see asDate in lib/db.ts). */
type SummaryRow = { id: string; email: string; name: string | null; role: string; enrolledAt: Date | string | null; setupDeadline: Date | string | null };
const SUMMARY_COLUMNS = Prisma.raw(`"id", "email", "name", "role", "enrolledAt", "setupDeadline"`);

function rowToSummary(row: SummaryRow): AccountSummary {
  return toSummary({ id: row.id, email: row.email, name: row.name, role: row.role, enrolledAt: asDate(row.enrolledAt), setupDeadline: asDate(row.setupDeadline) });
}

export type RegisterResult = { ok: true; user: AccountSummary } | { ok: false; reason: "email-taken" };

type NewAccount = { email: string; password: string; name: string | null };

/**
 * A patient whose address needs no confirmation link (created at the console or in tests). The
 * web sign-up goes through lib/sign-up.ts instead. Input is already validated (lib/validation.ts):
 * email lower-cased, password normalised.
 */
export function registerPatient(input: NewAccount): Promise<RegisterResult> {
  return createAccount(input, "patient");
}

/**
 * Only the console creates admins (scripts/admin.ts); they enroll like everyone else, within the
 * setup deadline, since until then the password alone guards the account.
 */
export function createAdmin(input: NewAccount): Promise<RegisterResult> {
  return createAccount(input, "admin", setupDeadlineFrom(new Date()));
}

/** When an account made or reset by someone else must have finished setup (SETUP_EXPIRES_DAYS). */
export function setupDeadlineFrom(start: Date): Date {
  return new Date(start.getTime() + getConfig().setupExpiresDays * 24 * 60 * 60 * 1000);
}

export function setupExpired(account: Pick<AccountSummary, "enrolledAt" | "setupDeadline">, now = new Date()): boolean {
  return account.enrolledAt === null && account.setupDeadline !== null && account.setupDeadline <= now;
}

async function createAccount(input: NewAccount, role: Role, setupDeadline: Date | null = null): Promise<RegisterResult> {
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await getDb().user.create({
      data: {
        email: input.email,
        name: input.name,
        nameSearch: input.name?.toLowerCase() ?? null,
        passwordHash,
        role,
        setupDeadline,
        emailConfirmedAt: new Date(),
      },
      select: summaryFields,
    });
    return { ok: true, user: toSummary(row) };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, reason: "email-taken" };
    }
    throw error;
  }
}

export type PasswordCheck = { ok: true; account: AccountSummary } | { ok: false; userId: string | null };

/** What the password step needs to know about an email before comparing: never leaves lib/. */
export type Credentials = { account: AccountSummary | null; passwordHash: string | undefined; emailConfirmed: boolean; hasApp: boolean };

/** One read for the whole password step: whether the address is confirmed and an app set up included. */
export async function findCredentials(email: string): Promise<Credentials> {
  const [row] = await queryRows<SummaryRow & { passwordHash: string; emailConfirmedAt: Date | null; hasApp: number }>(Prisma.sql`
    SELECT ${SUMMARY_COLUMNS}, "passwordHash", "emailConfirmedAt",
      CASE WHEN "totpSecret" IS NOT NULL AND "enrolledAt" IS NOT NULL THEN 1 ELSE 0 END AS "hasApp"
    FROM "User" WHERE "email" = ${email}`);
  if (!row) return { account: null, passwordHash: undefined, emailConfirmed: false, hasApp: false };
  return { account: rowToSummary(row), passwordHash: row.passwordHash, emailConfirmed: row.emailConfirmedAt !== null, hasApp: row.hasApp === 1 };
}

/**
 * Compares a password (the same argon2 work whether or not the account exists). A failure
 * carries the account's id (for its activity log) but callers must answer the same way whether
 * or not there was one.
 */
export async function verifyCredentials(credentials: Credentials, password: string): Promise<PasswordCheck> {
  const ok = await verifyPassword(credentials.passwordHash, password);
  if (!credentials.account || !ok) return { ok: false, userId: credentials.account?.id ?? null };
  return { ok: true, account: credentials.account };
}

export async function checkPassword(email: string, password: string): Promise<PasswordCheck> {
  return verifyCredentials(await findCredentials(email), password);
}

/** Replaces the password hash and ends every unused link (reset, confirmation, setup sheet); the caller ends the account's other sessions. */
export async function setPassword(userId: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  const db = getDb();
  await db.$transaction([db.user.update({ where: { id: userId }, data: { passwordHash } }), db.accountToken.deleteMany({ where: { userId, usedAt: null } })]);
}

export async function getAccount(userId: string): Promise<AccountSummary | null> {
  // Raw SQL: every signed-in page reads this.
  const [row] = await queryRows<SummaryRow>(Prisma.sql`SELECT ${SUMMARY_COLUMNS} FROM "User" WHERE "id" = ${userId}`);
  return row ? rowToSummary(row) : null;
}

/**
 * A finished sign-in: records when, and returns the account as it is now, in one statement.
 * Null when the account is no longer enrolled (a reset that raced the sign-in).
 */
export async function markSignedIn(userId: string): Promise<AccountSummary | null> {
  const now = new Date();
  const [row] = await queryRows<SummaryRow>(Prisma.sql`
    UPDATE "User" SET "lastSignInAt" = ${now}, "updatedAt" = ${now}
    WHERE "id" = ${userId} AND "enrolledAt" IS NOT NULL
    RETURNING ${SUMMARY_COLUMNS}`);
  return row ? rowToSummary(row) : null;
}

/** Why this account has to enroll again, if the clinic reset it: shown on the enrollment page. */
export async function getResetNotice(userId: string): Promise<{ at: Date; reason: string } | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { enrollmentResetAt: true, enrollmentResetReason: true } });
  return row?.enrollmentResetAt ? { at: row.enrollmentResetAt, reason: row.enrollmentResetReason ?? "" } : null;
}
