import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { auditEntryCreate, type Actor } from "@/lib/audit";
import { getConfig } from "@/lib/config";
import { decryptSecret, encryptSecret } from "@/lib/crypto";
import { getDb } from "@/lib/db";
import { queryRows } from "@/lib/sql";
import { noticeFor } from "@/lib/messaging/notices";
import { outboxData } from "@/lib/messaging/outbox";
import { wakeDeliveryWorker } from "@/lib/messaging/worker";
import { recordEvent, type EventType } from "@/lib/security-events";
import { setupDeadlineFrom } from "@/lib/users";
import { findCounter } from "./codes";
import { parseTokenFile, type ImportProblem } from "./import";

export type TokenState = "free" | "assigned" | "active" | "lost";

/** Presses a patient may have made without signing in that still count as ordinary codes. */
export const LOOK_AHEAD = 10;
/** How far two consecutive codes may move the counter (RFC 4226 section 7.4). */
export const RESYNC_WINDOW = 100;
/** How long the first code of a resynchronisation waits for the second. */
const RESYNC_SECONDS = 5 * 60;
/** Recently used codes recognised to say "already used" rather than "wrong". */
const USED_LOOK_BACK = 10;

/** The AAD names table, column and row, as for TOTP secrets (lib/two-factor.ts secretContext). */
export const tokenSecretContext = (id: string) => `HardwareToken.secret:${id}`;

const sealSecret = (id: string, hex: string) => encryptSecret(hex, getConfig().encryptionKey, tokenSecretContext(id));
const openSecret = (id: string, sealed: string) => Buffer.from(decryptSecret(sealed, getConfig().encryptionKey, tokenSecretContext(id)), "hex");

/** Serial numbers are matched without regard to case, as printed on the fob. */
export const normalizeSerial = (serial: string) => serial.trim().toUpperCase().slice(0, 64);

export type ImportResult = { ok: true; imported: number } | { ok: false; problems: ImportProblem[] };

/**
 * All or nothing: a file with any bad row, or a serial already known, imports nothing. The
 * problems name lines and serials only, never a secret.
 */
export async function importTokens(actor: Actor, text: string): Promise<ImportResult> {
  const parsed = parseTokenFile(text);
  if (!parsed.ok) return parsed;
  const db = getDb();
  const tokens = parsed.tokens.map((token) => ({ ...token, serial: normalizeSerial(token.serial) }));
  const known = await db.hardwareToken.findMany({ where: { serial: { in: tokens.map((t) => t.serial) } }, select: { serial: true } });
  if (known.length) {
    const taken = new Set(known.map((row) => row.serial));
    return {
      ok: false,
      problems: tokens.filter((t) => taken.has(t.serial)).map((t) => ({ line: t.line, message: `serial ${t.serial} was imported before` })),
    };
  }
  const rows = tokens.map((token) => {
    const id = randomUUID();
    return { id, serial: token.serial, secret: sealSecret(id, token.secretHex), digits: token.digits, counter: token.counter };
  });
  try {
    await db.$transaction([
      db.hardwareToken.createMany({ data: rows }),
      auditEntryCreate(actor, "tokens-imported", null, `${rows.length} keyfob(s): ${summarizeSerials(rows.map((r) => r.serial))}`),
    ]);
  } catch (error) {
    // Another import of the same serials won the race: nothing of this one was written.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, problems: [{ line: 1, message: "some of these serials were imported meanwhile; nothing was imported, try again" }] };
    }
    throw error;
  }
  return { ok: true, imported: rows.length };
}

function summarizeSerials(serials: string[]): string {
  const sorted = [...serials].sort();
  return sorted.length <= 5 ? sorted.join(", ") : `${sorted.slice(0, 3).join(", ")} … ${sorted[sorted.length - 1]}`;
}

export type TokenRow = { serial: string; state: TokenState; digits: number; holderEmail: string | null; holderId: string | null; assignedAt: Date | null; provenAt: Date | null };

export async function listTokens(filter: { state?: TokenState; serial?: string } = {}, take = 200): Promise<TokenRow[]> {
  const rows = await getDb().hardwareToken.findMany({
    where: {
      ...(filter.state ? { state: filter.state } : {}),
      ...(filter.serial ? { serial: { startsWith: normalizeSerial(filter.serial) } } : {}),
    },
    orderBy: { serial: "asc" },
    take,
    select: { serial: true, state: true, digits: true, userId: true, assignedAt: true, provenAt: true, user: { select: { email: true } } },
  });
  return rows.map((row) => ({
    serial: row.serial,
    state: row.state as TokenState,
    digits: row.digits,
    holderId: row.userId,
    holderEmail: row.user?.email ?? null,
    assignedAt: row.assignedAt,
    provenAt: row.provenAt,
  }));
}

/** The keyfob a patient holds (assigned or active), for their page and the admin's. */
export async function tokenOf(userId: string): Promise<{ serial: string; state: TokenState; provenAt: Date | null } | null> {
  const row = await getDb().hardwareToken.findUnique({ where: { userId }, select: { serial: true, state: true, provenAt: true } });
  return row && (row.state === "assigned" || row.state === "active") ? { serial: row.serial, state: row.state, provenAt: row.provenAt } : null;
}

export type TokenActionResult = { ok: true } | { ok: false; message: string };

/**
 * Hands a free keyfob to a patient. The patient proves it with one code at the next sign-in; an
 * account without a second factor yet goes to the code step from then on (and gets a fresh setup
 * deadline). The assignment and its audit entry are one transaction.
 */
export async function assignToken(actor: Actor, serialInput: string, patientEmail: string, reason: string): Promise<TokenActionResult> {
  const db = getDb();
  const serial = normalizeSerial(serialInput);
  const [token, patient] = await Promise.all([
    db.hardwareToken.findUnique({ where: { serial }, select: { id: true, state: true } }),
    db.user.findUnique({ where: { email: patientEmail.trim().toLowerCase() }, select: { id: true, email: true, role: true, enrolledAt: true } }),
  ]);
  if (!token) return { ok: false, message: `No keyfob with serial ${serial}.` };
  if (token.state !== "free") return { ok: false, message: `Keyfob ${serial} is not free (it is ${token.state}).` };
  if (!patient) return { ok: false, message: "No account with that email." };
  if (patient.role !== "patient") return { ok: false, message: "Keyfobs are for patients only." };
  if (patient.id === actor.id) return { ok: false, message: "You can't assign a keyfob to yourself." };
  const now = new Date();
  // The patient is told by email, in the same transaction as the assignment.
  const notice = await noticeFor("keyfob-assigned", patient.id, actor.ip, serial, now);
  try {
    const outcome = await db.$transaction(async (tx) => {
      const claimed = await tx.hardwareToken.updateMany({
        where: { id: token.id, state: "free" },
        data: { state: "assigned", userId: patient.id, assignedAt: now, provenAt: null, resyncCounter: null, resyncUntil: null },
      });
      if (claimed.count !== 1) return "lost";
      if (!patient.enrolledAt) await tx.user.update({ where: { id: patient.id }, data: { setupDeadline: setupDeadlineFrom(now) } });
      await tx.securityEvent.create({ data: { type: "keyfob-assigned" satisfies EventType, userId: patient.id, ip: actor.ip, detail: serial } });
      await tx.auditEntry.create({ data: auditData(actor, "token-assigned", patient, `${serial}: ${reason}`) });
      if (notice) await tx.outboxMessage.create({ data: outboxData(notice), select: { id: true } });
      return "done";
    });
    if (outcome === "lost") return { ok: false, message: `Keyfob ${serial} was just assigned elsewhere.` };
    wakeDeliveryWorker();
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, message: "This patient already has a keyfob: unassign it or mark it lost first." };
    }
    throw error;
  }
  return { ok: true };
}

function auditData(actor: Actor, action: string, target: { id: string; email: string } | null, reason: string) {
  return { actorId: actor.id, actorEmail: actor.email, action, targetId: target?.id ?? null, targetEmail: target?.email ?? null, reason, ip: actor.ip, via: actor.via };
}

/**
 * Takes a keyfob back ("free") or writes it off ("lost", never accepted again). Its holder, if
 * the keyfob was their only second factor, sets one up again at the next sign-in.
 */
export async function releaseToken(actor: Actor, serialInput: string, to: "free" | "lost", reason: string): Promise<TokenActionResult> {
  const db = getDb();
  const serial = normalizeSerial(serialInput);
  const token = await db.hardwareToken.findUnique({ where: { serial }, select: { id: true, state: true, userId: true, user: { select: { id: true, email: true, totpSecret: true } } } });
  if (!token) return { ok: false, message: `No keyfob with serial ${serial}.` };
  if (token.state === to) return { ok: false, message: `Keyfob ${serial} is already ${to}.` };
  if (to === "free" && token.state === "lost") return { ok: false, message: `Keyfob ${serial} was marked lost; it can't be handed out again.` };
  const holder = token.user;
  const now = new Date();
  const eventType: EventType = to === "lost" ? "keyfob-lost" : "keyfob-removed";
  const notice = holder ? await noticeFor(eventType, holder.id, actor.ip, serial, now) : null;
  await db.$transaction(async (tx) => {
    await tx.hardwareToken.update({
      where: { id: token.id },
      data: { state: to, userId: null, assignedAt: null, provenAt: null, resyncCounter: null, resyncUntil: null },
    });
    if (holder) {
      if (!holder.totpSecret) {
        await tx.user.updateMany({ where: { id: holder.id, totpSecret: null }, data: { enrolledAt: null, setupDeadline: setupDeadlineFrom(now), recoveryCodesIssuedAt: null } });
        await tx.recoveryCode.deleteMany({ where: { userId: holder.id } });
      }
      await tx.securityEvent.create({ data: { type: eventType, userId: holder.id, ip: actor.ip, detail: serial } });
      if (notice) await tx.outboxMessage.create({ data: outboxData(notice), select: { id: true } });
    }
    await tx.auditEntry.create({ data: auditData(actor, to === "lost" ? "token-lost" : "token-unassigned", holder, `${serial}: ${reason}`) });
  });
  if (notice) wakeDeliveryWorker();
  return { ok: true };
}

/** For a clinic reset: the patient's keyfob goes back to the drawer (its counter keeps its place). */
export function removeTokenAssignment(userId: string) {
  return getDb().hardwareToken.updateMany({
    where: { userId },
    data: { state: "free", userId: null, assignedAt: null, provenAt: null, resyncCounter: null, resyncUntil: null },
  });
}

export type HotpCheck = { ok: true } | { ok: false; reason: "wrong" | "used" | "press-again" | "not-assigned" };

/**
 * A keyfob code at sign-in. Accepted when it is one of the next LOOK_AHEAD codes; the counter then
 * moves past it with one conditional UPDATE (only while the stored counter is still at or below
 * the code's), so of two requests carrying the same code exactly one succeeds. A code further
 * ahead (up to RESYNC_WINDOW) is remembered and the patient is asked to press again: when the
 * next code directly follows it, the counter moves there and the sign-in succeeds.
 */
export async function verifyHotpForUser(userId: string, code: string, now = new Date(), ip: string | null = null): Promise<HotpCheck> {
  const db = getDb();
  // Raw SQL: every sign-in code asks, and most accounts have no keyfob.
  const [token] = await queryRows<{ id: string; secret: string; digits: number; counter: number; state: string; resyncCounter: number | null; resyncUntil: Date | null }>(Prisma.sql`
    SELECT "id", "secret", "digits", "counter", "state", "resyncCounter", "resyncUntil" FROM "HardwareToken" WHERE "userId" = ${userId}`);
  if (!token || (token.state !== "assigned" && token.state !== "active")) return { ok: false, reason: "not-assigned" };
  if (code.length !== token.digits) return { ok: false, reason: "wrong" };
  const key = openSecret(token.id, token.secret);

  const near = findCounter(key, code, token.digits, token.counter, token.counter + LOOK_AHEAD);
  if (near !== null) return (await advance(token.id, userId, ip, near, now)) ? { ok: true } : { ok: false, reason: "used" };

  const far = findCounter(key, code, token.digits, token.counter + LOOK_AHEAD, token.counter + RESYNC_WINDOW);
  if (far !== null) {
    const pending = token.resyncCounter !== null && token.resyncUntil !== null && token.resyncUntil > now;
    if (pending && far === token.resyncCounter! + 1) {
      return (await advance(token.id, userId, ip, far, now, token.resyncCounter!)) ? { ok: true } : { ok: false, reason: "used" };
    }
    await db.hardwareToken.updateMany({
      where: { id: token.id, counter: token.counter },
      data: { resyncCounter: far, resyncUntil: new Date(now.getTime() + RESYNC_SECONDS * 1000) },
    });
    return { ok: false, reason: "press-again" };
  }
  if (findCounter(key, code, token.digits, token.counter - USED_LOOK_BACK, token.counter) !== null) return { ok: false, reason: "used" };
  return { ok: false, reason: "wrong" };
}

/**
 * Moves the counter past `matched` (SQLite serialises writers; the WHERE is the replay guard) and,
 * on a keyfob's first code, marks it proven and the account as having a second factor.
 * `resyncFrom`: the first code of a resynchronisation, which must still be the one on record.
 */
async function advance(tokenId: string, userId: string, ip: string | null, matched: number, now: Date, resyncFrom?: number): Promise<boolean> {
  const db = getDb();
  const outcome = await db.$transaction(async (tx) => {
    const moved = await tx.hardwareToken.updateMany({
      where: { id: tokenId, userId, counter: { lte: matched }, state: { in: ["assigned", "active"] }, ...(resyncFrom !== undefined ? { resyncCounter: resyncFrom } : {}) },
      data: { counter: matched + 1, resyncCounter: null, resyncUntil: null },
    });
    if (moved.count !== 1) return "used" as const;
    const proven = await tx.hardwareToken.updateMany({ where: { id: tokenId, state: "assigned" }, data: { state: "active", provenAt: now } });
    if (proven.count !== 1) return "accepted" as const;
    await tx.user.updateMany({
      where: { id: userId, enrolledAt: null },
      data: { enrolledAt: now, setupDeadline: null, recoveryCodesIssuedAt: null, enrollmentResetAt: null, enrollmentResetReason: null },
    });
    return "proven" as const;
  });
  // The activity entry and the patient's email, once the keyfob is theirs for sure.
  if (outcome === "proven") await recordEvent("keyfob-proven", userId, ip);
  return outcome !== "used";
}
