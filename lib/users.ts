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

/** Input is already validated (lib/validation.ts): email lower-cased, password normalised. */
export async function registerPatient(input: { email: string; password: string; name: string | null }): Promise<RegisterResult> {
  const passwordHash = await hashPassword(input.password);
  try {
    const row = await getDb().user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "patient" },
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

/** The account for an email and password, or null; never says which of the two was wrong. */
export async function checkPassword(email: string, password: string): Promise<AccountSummary | null> {
  const row = await getDb().user.findUnique({ where: { email }, select: { ...summaryFields, passwordHash: true } });
  const ok = await verifyPassword(row?.passwordHash, password);
  if (!row || !ok) return null;
  const { passwordHash: _omit, ...summary } = row;
  return toSummary(summary);
}

export async function getAccount(userId: string): Promise<AccountSummary | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: summaryFields });
  return row ? toSummary(row) : null;
}
