import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { decryptSecret, DecryptionError, encryptSecret } from "./crypto";
import { getDb } from "./db";
import { executeSql, queryRows } from "./sql";
import { buildKeyUri } from "./key-uri";
import { recordEvent, type EventType } from "./security-events";
import { checkCode, createTotpSecret, timeStep } from "./totp";

export type CodeResult =
  | { ok: true }
  | { ok: false; reason: "wrong"; driftSteps?: number }
  | { ok: false; reason: "used" | "replaced" | "old-key" | "not-enrolling" | "not-enrolled" };

/**
 * The AAD of a sealed TOTP secret names the table, the column and the row, so a ciphertext only
 * decrypts where it was written: copied to another user, another column or another setup key it
 * fails instead of silently working there.
 */
export const secretContext = {
  active: (userId: string) => `User.totpSecret:${userId}`,
  retired: (userId: string) => `User.totpRetiredSecret:${userId}`,
  pending: (userId: string, ownerId: string) => `EnrollmentKey.secret:${userId}:${ownerId}`,
  replaced: (userId: string, ownerId: string) => `EnrollmentKey.replacedSecret:${userId}:${ownerId}`,
};
/** Secrets activated before the column was part of the AAD were bound to the user only. */
const legacyActiveContext = (userId: string) => `totp-secret:${userId}`;

const seal = (secret: string, context: string) => encryptSecret(secret, getConfig().encryptionKey, context);
const open = (sealed: string, context: string) => decryptSecret(sealed, getConfig().encryptionKey, context);

function openActive(userId: string, sealed: string): string {
  try {
    return open(sealed, secretContext.active(userId));
  } catch (error) {
    if (!(error instanceof DecryptionError) || !sealed.startsWith("v1.")) throw error;
    return open(sealed, legacyActiveContext(userId));
  }
}

/**
 * The active key re-sealed for the retired column (a reset or a new phone), to recognise its codes
 * later. Null when it cannot be read (say, after a lost ENCRYPTION_KEY): a reset must still work then.
 */
export function retiredFromActive(userId: string, sealedActive: string): string | null {
  try {
    return seal(openActive(userId, sealedActive), secretContext.retired(userId));
  } catch (error) {
    if (error instanceof DecryptionError) return null;
    throw error;
  }
}

/** How long an unconfirmed key lives: as long as the enroll challenge (installing an app takes a while). */
export const ENROLLMENT_KEY_TTL_SECONDS = 30 * 60;

/** Which setup: the first one, or a new phone's while the old phone keeps working. */
export type EnrollmentKind = "first" | "new-phone";

/**
 * Whose key: the account, and the browser that asked for it (the enroll challenge's id, or the
 * signed-in session's id for a new phone). Only that browser ever sees or confirms this key.
 */
export type KeyOwner = { userId: string; ownerId: string; kind: EnrollmentKind };

export type PendingEnrollment = { secret: string; uri: string; account: string; issuer: string };

const enrolledFilter = (kind: EnrollmentKind) => (kind === "first" ? { enrolledAt: null } : { enrolledAt: { not: null } });

/**
 * The key a setup page shows. It is kept for its owner until confirmed, replaced or expired, so
 * reloading the page never invalidates a QR code the patient may already have scanned, while any
 * other browser (another sign-in with the same password) gets a key of its own. Null when the
 * account is not in the state `kind` needs. A new key is an event in the activity list.
 */
export async function getOrCreatePendingEnrollment(owner: KeyOwner, ip: string | null = null, now = new Date()): Promise<PendingEnrollment | null> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { id: owner.userId }, select: { email: true, enrolledAt: true } });
  if (!user || (owner.kind === "first") !== (user.enrolledAt === null)) return null;

  let row = await db.enrollmentKey.findUnique({ where: { ownerId: owner.ownerId } });
  if (row && (row.userId !== owner.userId || row.kind !== owner.kind)) return null;
  if (!row || row.expiresAt <= now) {
    const data = {
      secret: seal(createTotpSecret(), secretContext.pending(owner.userId, owner.ownerId)),
      // An expired key may still be in the patient's app: its codes are recognised, not hinted at.
      replacedSecret: row ? seal(open(row.secret, secretContext.pending(owner.userId, owner.ownerId)), secretContext.replaced(owner.userId, owner.ownerId)) : null,
      expiresAt: new Date(now.getTime() + ENROLLMENT_KEY_TTL_SECONDS * 1000),
    };
    // Two tabs of one browser opening the page at once end up with the same key. PostgreSQL runs
    // both upserts' inserts side by side: the loser's unique error means the winner's key stands.
    let created = true;
    try {
      await db.enrollmentKey.upsert({
        where: { ownerId: owner.ownerId },
        create: { ownerId: owner.ownerId, userId: owner.userId, kind: owner.kind, ...data },
        update: row ? data : {},
      });
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
      created = false;
    }
    row = await db.enrollmentKey.findUniqueOrThrow({ where: { ownerId: owner.ownerId } });
    if (created) await recordEvent(owner.kind === "first" ? "setup-started" : "new-phone-started", owner.userId, ip);
  }
  const secret = open(row.secret, secretContext.pending(owner.userId, owner.ownerId));
  const issuer = getConfig().issuer;
  return { secret, issuer, account: user.email, uri: buildKeyUri({ issuer, account: user.email, secret }) };
}

/** "Get a new key": this owner's key is replaced; codes of the old one are recognised and refused. */
export async function replacePendingSecret(owner: KeyOwner): Promise<boolean> {
  const db = getDb();
  const row = await db.enrollmentKey.findUnique({ where: { ownerId: owner.ownerId } });
  if (!row || row.userId !== owner.userId || row.kind !== owner.kind) return false;
  const old = open(row.secret, secretContext.pending(owner.userId, owner.ownerId));
  const { count } = await db.enrollmentKey.updateMany({
    where: { ownerId: owner.ownerId, secret: row.secret },
    data: {
      secret: seal(createTotpSecret(), secretContext.pending(owner.userId, owner.ownerId)),
      replacedSecret: seal(old, secretContext.replaced(owner.userId, owner.ownerId)),
    },
  });
  return count === 1;
}

/**
 * Keys the patient's app may still hold but that no longer count: the one "Get a new key" replaced,
 * the old phone's key on the new-phone page, the key from before a reset or a new phone.
 */
async function oldKeysOf(owner: KeyOwner | { userId: string; ownerId: null }): Promise<string[]> {
  const db = getDb();
  const [key, user] = await Promise.all([
    owner.ownerId ? db.enrollmentKey.findUnique({ where: { ownerId: owner.ownerId }, select: { replacedSecret: true } }) : null,
    db.user.findUnique({ where: { id: owner.userId }, select: { totpSecret: true, totpRetiredSecret: true } }),
  ]);
  const secrets: string[] = [];
  if (owner.ownerId && key?.replacedSecret) secrets.push(open(key.replacedSecret, secretContext.replaced(owner.userId, owner.ownerId)));
  if ("kind" in owner && owner.kind === "new-phone" && user?.totpSecret) secrets.push(openActive(owner.userId, user.totpSecret));
  if (user?.totpRetiredSecret) secrets.push(open(user.totpRetiredSecret, secretContext.retired(owner.userId)));
  return secrets;
}

/** True when `code` is a current code (±1 step) of one of `secrets`. */
async function matchesAny(secrets: string[], code: string, now?: number): Promise<boolean> {
  for (const secret of secrets) {
    if ((await checkCode(secret, code, null, now)).ok) return true;
  }
  return false;
}

/**
 * Activates the owner's key when `code` is valid for it, recording the code's step as used. In one
 * transaction: the key row is claimed (so a double submit, or a new key requested meanwhile,
 * cannot activate twice or activate a key the patient never saw), the account switches to it,
 * every other pending key and setup challenge of the account is discarded, and sessions that must
 * not outlive the switch end — all before any new recovery codes can be shown.
 * `keepSessionId`: the session confirming a new phone, which stays signed in.
 */
export async function confirmEnrollment(owner: KeyOwner, code: string, now?: number, keepSessionId?: string): Promise<CodeResult> {
  const db = getDb();
  const row = await db.enrollmentKey.findUnique({ where: { ownerId: owner.ownerId } });
  const user = await db.user.findUnique({ where: { id: owner.userId }, select: { enrolledAt: true, totpSecret: true } });
  const stateOk = user && (owner.kind === "first") === (user.enrolledAt === null);
  if (!row || !stateOk || row.userId !== owner.userId || row.kind !== owner.kind || row.expiresAt.getTime() <= (now ?? Date.now() / 1000) * 1000) {
    return { ok: false, reason: "not-enrolling" };
  }
  const secret = open(row.secret, secretContext.pending(owner.userId, owner.ownerId));
  const check = await checkCode(secret, code, null, now);
  if (!check.ok) {
    if (check.reason === "wrong" && (await matchesAny(await oldKeysOf(owner), code, now))) return { ok: false, reason: "old-key" };
    return check;
  }

  const at = new Date();
  const outcome = await db.$transaction(async (tx) => {
    const claimed = await tx.enrollmentKey.deleteMany({ where: { ownerId: owner.ownerId, secret: row.secret } });
    if (claimed.count !== 1) return "lost" as const;
    const switched = await tx.user.updateMany({
      where: { id: owner.userId, ...enrolledFilter(owner.kind), totpSecret: user!.totpSecret },
      data: {
        totpSecret: seal(secret, secretContext.active(owner.userId)),
        // The old phone's key, kept only to recognise its codes and say so.
        totpRetiredSecret: user!.totpSecret ? retiredFromActive(owner.userId, user!.totpSecret) : undefined,
        enrolledAt: at,
        totpLastStep: check.step,
        totpHintedSteps: null,
        setupDeadline: null,
        // Recovery codes belong to an enrollment: the new one gets a fresh set, shown next.
        recoveryCodesIssuedAt: null,
        // The reset notice has done its job once the patient has enrolled again.
        enrollmentResetAt: null,
        enrollmentResetReason: null,
      },
    });
    if (switched.count !== 1) throw new LostRace();
    await tx.enrollmentKey.deleteMany({ where: { userId: owner.userId } });
    await tx.authChallenge.deleteMany({ where: { userId: owner.userId, purpose: "enroll", tokenHash: { not: owner.ownerId } } });
    // The old phone's recovery codes end with it (the next set is shown right after this).
    await tx.recoveryCode.deleteMany({ where: { userId: owner.userId } });
    // After a new phone only the confirming session stays; an unenrolled account has no business
    // with open sessions, so any left from before a reset end before this one starts.
    const ended = await tx.userSession.updateMany({
      where: { userId: owner.userId, endedAt: null, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
      data: { endedAt: at, endReason: owner.kind === "first" ? "re-enrolled" : "new-phone" },
    });
    if (owner.kind === "new-phone" && ended.count > 0) {
      await tx.securityEvent.create({ data: { type: "sessions-ended" satisfies EventType, userId: owner.userId, ip: null } });
    }
    return ended.count;
  }).catch((error: unknown) => {
    if (error instanceof LostRace) return "lost" as const;
    throw error;
  });
  if (outcome === "lost") {
    // Someone else changed the key meanwhile: a double submit that won, or a new key from another tab.
    const latest = await db.enrollmentKey.findUnique({ where: { ownerId: owner.ownerId }, select: { ownerId: true } });
    return { ok: false, reason: latest ? "replaced" : "used" };
  }
  return { ok: true };
}

class LostRace extends Error {}

const parseSteps = (list: string | null) => (list ? list.split(",").filter(Boolean).map(Number) : []);

/**
 * The sign-in code check. SQLite runs one writer at a time, and this UPDATE only matches while
 * the stored step is still older than the code's step: of two requests carrying the same code,
 * at the same instant or one after the other, exactly one gets count === 1.
 *
 * A code refused with a clock hint because it belongs to a future step is remembered before the
 * hint is sent: when that step comes due the code is refused. Otherwise a guess answered "your
 * clock is fast" would tell a guesser which code to send a minute later.
 */
export async function verifyTotpForUser(userId: string, code: string, now?: number): Promise<CodeResult> {
  const db = getDb();
  // Raw SQL here and in the UPDATE below: this runs for every sign-in code.
  const [user] = await queryRows<{ totpSecret: string | null; totpLastStep: number | null; enrolledAt: Date | null; totpHintedSteps: string | null }>(Prisma.sql`
    SELECT "totpSecret", "totpLastStep", "enrolledAt", "totpHintedSteps" FROM "User" WHERE "id" = ${userId}`);
  if (!user?.totpSecret || user.enrolledAt === null) return { ok: false, reason: "not-enrolled" };
  const seconds = now ?? Date.now() / 1000;
  const check = await checkCode(openActive(userId, user.totpSecret), code, user.totpLastStep, seconds);
  if (!check.ok) {
    if (check.reason === "wrong" && check.driftSteps !== undefined && check.driftSteps > 0) {
      await rememberHintedStep(userId, timeStep(Math.floor(seconds)) + check.driftSteps);
    }
    if (check.reason === "wrong" && (await matchesAny(await oldKeysOf({ userId, ownerId: null }), code, now))) {
      return { ok: false, reason: "old-key" };
    }
    return check;
  }
  if (parseSteps(user.totpHintedSteps).includes(check.step)) return { ok: false, reason: "wrong" };
  // One conditional UPDATE (updateMany would add a transaction around it).
  const recorded = await executeSql(Prisma.sql`
    UPDATE "User" SET "totpLastStep" = ${check.step}, "updatedAt" = ${new Date()}
    WHERE "id" = ${userId} AND "totpSecret" = ${user.totpSecret} AND ("totpLastStep" IS NULL OR "totpLastStep" < ${check.step})`);
  if (recorded !== 1) return { ok: false, reason: "used" };
  if (user.totpHintedSteps) {
    // Steps up to this one can never be accepted again anyway; only if no hint was added meanwhile.
    const future = parseSteps(user.totpHintedSteps).filter((step) => step > check.step);
    await db.user.updateMany({
      where: { id: userId, totpHintedSteps: user.totpHintedSteps },
      data: { totpHintedSteps: future.length ? future.join(",") : null },
    });
  }
  return { ok: true };
}

/** An atomic append, so two hints given at once are both remembered. */
async function rememberHintedStep(userId: string, step: number): Promise<void> {
  await executeSql(Prisma.sql`UPDATE "User" SET "totpHintedSteps" = coalesce("totpHintedSteps", '') || ${`,${step}`} WHERE "id" = ${userId}`);
}
