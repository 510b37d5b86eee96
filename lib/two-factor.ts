import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { decryptSecret, encryptSecret } from "./crypto";
import { getDb } from "./db";
import { buildKeyUri } from "./key-uri";
import { checkCode, createTotpSecret } from "./totp";

export type CodeResult =
  | { ok: true }
  | { ok: false; reason: "wrong"; driftSteps?: number }
  | { ok: false; reason: "used" | "replaced" | "not-enrolling" | "not-enrolled" };

/** The AAD for a user's TOTP ciphertexts: a secret only decrypts in the row it was written for. */
export const secretContext = (userId: string) => `totp-secret:${userId}`;

const seal = (userId: string, secret: string) => encryptSecret(secret, getConfig().encryptionKey, secretContext(userId));
const open = (userId: string, sealed: string) => decryptSecret(sealed, getConfig().encryptionKey, secretContext(userId));

export type PendingEnrollment = { secret: string; uri: string; account: string; issuer: string };

/** Which pending secret: the first one, or a new phone's while the old phone keeps working. */
export type EnrollmentKind = "first" | "new-phone";

const enrolledFilter = (kind: EnrollmentKind) => (kind === "first" ? { enrolledAt: null } : { enrolledAt: { not: null } });

/**
 * The secret the enrollment page shows. A pending secret is kept until the patient confirms
 * it or asks for a new one, so reloading the page never invalidates a QR code they may
 * already have scanned. Null when the account is not in the state `kind` needs.
 */
export async function getOrCreatePendingEnrollment(userId: string, kind: EnrollmentKind = "first"): Promise<PendingEnrollment | null> {
  const db = getDb();
  // Only fills an empty slot: two tabs opening the page at once end up with the same secret.
  await db.user.updateMany({
    where: { id: userId, ...enrolledFilter(kind), totpPendingSecret: null },
    data: { totpPendingSecret: seal(userId, createTotpSecret()), totpPendingSince: new Date() },
  });
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, enrolledAt: true, totpPendingSecret: true },
  });
  if (!user?.totpPendingSecret || (kind === "first") !== (user.enrolledAt === null)) return null;
  const secret = open(userId, user.totpPendingSecret);
  const issuer = getConfig().issuer;
  return { secret, issuer, account: user.email, uri: buildKeyUri({ issuer, account: user.email, secret }) };
}

/** Throws away the pending secret (the patient asked for a new key) and makes a fresh one. */
export async function replacePendingSecret(userId: string, kind: EnrollmentKind = "first"): Promise<boolean> {
  const { count } = await getDb().user.updateMany({
    where: { id: userId, ...enrolledFilter(kind) },
    data: { totpPendingSecret: seal(userId, createTotpSecret()), totpPendingSince: new Date() },
  });
  return count === 1;
}

/**
 * Activates the pending secret when `code` is valid for it, recording the code's step as used.
 * The UPDATE only matches while the row still holds the very ciphertext that was checked, so a
 * double submit, or a new key requested meanwhile in another tab, cannot activate twice or
 * activate a secret the patient never saw.
 */
export async function confirmEnrollment(userId: string, code: string, now?: number, kind: EnrollmentKind = "first"): Promise<CodeResult> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { enrolledAt: true, totpPendingSecret: true } });
  if (!user?.totpPendingSecret || (kind === "first") !== (user.enrolledAt === null)) return { ok: false, reason: "not-enrolling" };
  const check = await checkCode(open(userId, user.totpPendingSecret), code, null, now);
  if (!check.ok) return check;
  const { count } = await db.user.updateMany({
    where: { id: userId, ...enrolledFilter(kind), totpPendingSecret: user.totpPendingSecret },
    data: {
      totpSecret: user.totpPendingSecret,
      totpPendingSecret: null,
      totpPendingSince: null,
      enrolledAt: new Date(),
      totpLastStep: check.step,
      // Recovery codes belong to an enrollment: the new one gets a fresh set, shown next.
      recoveryCodesIssuedAt: null,
      // The reset notice has done its job once the patient has enrolled again.
      enrollmentResetAt: null,
      enrollmentResetReason: null,
    },
  });
  if (count === 1) {
    // The old phone's recovery codes end with it (the next set is shown right after this).
    if (kind === "new-phone") await db.recoveryCode.deleteMany({ where: { userId } });
    // An unenrolled account has no business with open sessions: any left from before a reset,
    // however they came about, end here, before this enrollment's own session starts.
    if (kind === "first") await db.userSession.updateMany({ where: { userId, endedAt: null }, data: { endedAt: new Date(), endReason: "re-enrolled" } });
    return { ok: true };
  }
  // Someone else changed the row meanwhile: a double submit that won, or a new key from another tab.
  const latest = await db.user.findUnique({ where: { id: userId }, select: { totpPendingSecret: true } });
  return { ok: false, reason: latest?.totpPendingSecret ? "replaced" : "used" };
}

/**
 * The sign-in code check. SQLite runs one writer at a time, and this UPDATE only matches while
 * the stored step is still older than the code's step: of two requests carrying the same code,
 * at the same instant or one after the other, exactly one gets count === 1.
 */
export async function verifyTotpForUser(userId: string, code: string, now?: number): Promise<CodeResult> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: userId }, select: { totpSecret: true, totpLastStep: true, enrolledAt: true } });
  if (!user?.totpSecret || !user.enrolledAt) return { ok: false, reason: "not-enrolled" };
  const check = await checkCode(open(userId, user.totpSecret), code, user.totpLastStep, now);
  if (!check.ok) return check;
  // One UPDATE … RETURNING (updateMany would add a transaction around it); no match throws P2025.
  const recorded = await db.user
    .update({
      where: { id: userId, totpSecret: user.totpSecret, OR: [{ totpLastStep: null }, { totpLastStep: { lt: check.step } }] },
      data: { totpLastStep: check.step },
      select: { id: true },
    })
    .catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") return null;
      throw error;
    });
  return recorded ? { ok: true } : { ok: false, reason: "used" };
}
