import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "./db";
import { hashPassword, verifyPassword } from "./password";

export type Role = "patient" | "admin";

export type AccountSummary = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  enrolledAt: Date | null;
};

const summaryFields = { id: true, email: true, name: true, role: true, enrolledAt: true } as const;

function toSummary(row: { id: string; email: string; name: string | null; role: string; enrolledAt: Date | null }): AccountSummary {
  return { ...row, role: row.role === "admin" ? "admin" : "patient" };
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

/** Only the console creates admins (scripts/admin.ts); they enroll like everyone else. */
export function createAdmin(input: NewAccount): Promise<RegisterResult> {
  return createAccount(input, "admin");
}

async function createAccount(input: NewAccount, role: Role): Promise<RegisterResult> {
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await getDb().user.create({
      data: { email: input.email, name: input.name, nameSearch: input.name?.toLowerCase() ?? null, passwordHash, role, emailConfirmedAt: new Date() },
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

/**
 * Checks an email and password. A failure carries the account's id (for its activity log) but
 * callers must answer the same way whether or not there was one.
 */
export async function checkPassword(email: string, password: string): Promise<PasswordCheck> {
  const row = await getDb().user.findUnique({ where: { email }, select: { ...summaryFields, passwordHash: true } });
  const ok = await verifyPassword(row?.passwordHash, password);
  if (!row || !ok) return { ok: false, userId: row?.id ?? null };
  const { passwordHash: _omit, ...summary } = row;
  return { ok: true, account: toSummary(summary) };
}

/** Replaces the password hash; the caller ends the account's other sessions. */
export async function setPassword(userId: string, password: string): Promise<void> {
  await getDb().user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password) } });
}

export async function getAccount(userId: string): Promise<AccountSummary | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: summaryFields });
  return row ? toSummary(row) : null;
}

/** Why this account has to enroll again, if the clinic reset it: shown on the enrollment page. */
export async function getResetNotice(userId: string): Promise<{ at: Date; reason: string } | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { enrollmentResetAt: true, enrollmentResetReason: true } });
  return row?.enrollmentResetAt ? { at: row.enrollmentResetAt, reason: row.enrollmentResetReason ?? "" } : null;
}
