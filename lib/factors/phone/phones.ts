import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { lastDigits } from "@/lib/messaging/phone";
import { queryRows } from "@/lib/sql";
import { outboxData, type NewMessage } from "@/lib/messaging/outbox";
import { wakeDeliveryWorker } from "@/lib/messaging/worker";
import { eventRows, recordEvent, storeEventRows } from "@/lib/security-events";
import { checkPhoneCode, sendPhoneCode, type PhoneChannel, type PhoneCodeResult, type SendResult } from "./codes";

export type PhoneSummary = { e164: string; last: string; lineType: string; state: "pending" | "active" };

export async function phoneOf(userId: string): Promise<PhoneSummary | null> {
  // Raw SQL: every wrong sign-in code asks, and most accounts have no phone.
  const [row] = await queryRows<{ e164: string; lineType: string; state: string }>(Prisma.sql`
    SELECT "e164", "lineType", "state" FROM "PhoneNumber" WHERE "userId" = ${userId}`);
  if (!row) return null;
  return { e164: row.e164, last: row.e164.slice(-2), lineType: row.lineType, state: row.state === "active" ? "active" : "pending" };
}

/** An active phone that may receive sign-in codes now (off when the clinic turned phone codes off). */
export async function signInPhoneOf(userId: string): Promise<PhoneSummary | null> {
  if (getConfig().phone.codes === "off") return null;
  const phone = await phoneOf(userId);
  return phone?.state === "active" ? phone : null;
}

/** A typed number under the clinic's settings (countries, default region); refused while phone codes are off. */
export async function parseTypedNumber(number: unknown): Promise<ReturnType<typeof import("./numbers").parsePhone> | { ok: false; message: "phoneCodesOff" }> {
  const config = getConfig().phone;
  if (config.codes === "off") return { ok: false, message: "phoneCodesOff" };
  // The full numbering metadata is large: loaded when a number is typed, not by every process.
  const { parsePhone } = await import("./numbers");
  return parsePhone(number, config);
}

/**
 * Setup: the typed number becomes this account's pending phone (replacing any pending one) and
 * gets a code. It counts only once that code comes back (confirmPhone).
 */
export async function startPhoneSetup(input: { userId: string; challengeId: string; number: unknown; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const parsed = await parseTypedNumber(input.number);
  if (!parsed.ok) return parsed;
  const db = getDb();
  const existing = await phoneOf(input.userId);
  // An active phone is changed only by a reset; setup here is for accounts without one.
  if (existing?.state === "active") return { ok: false, message: "notEnrolling" };
  if (existing?.e164 !== parsed.e164) {
    await db.phoneNumber.upsert({
      where: { userId: input.userId },
      create: { userId: input.userId, e164: parsed.e164, lineType: parsed.lineType },
      update: { e164: parsed.e164, lineType: parsed.lineType, state: "pending", confirmedAt: null },
    });
    // A code out for the number typed before must not confirm this one, even if the send below is
    // refused; and a corrected typo need not wait out the resend pause meant for the same number.
    await db.phoneCode.deleteMany({ where: { userId: input.userId, challengeId: input.challengeId, usedAt: null } });
  }
  return sendPhoneCode({ userId: input.userId, challengeId: input.challengeId, e164: parsed.e164, lineType: parsed.lineType, channel: input.channel, ip: input.ip });
}

/** A pending phone with a code out for this setup: its code, not an app code, is what comes back. */
export async function phoneSetupUnderway(userId: string, challengeId: string): Promise<boolean> {
  const db = getDb();
  const [phone, code] = await Promise.all([
    db.phoneNumber.findUnique({ where: { userId }, select: { state: true } }),
    db.phoneCode.findFirst({ where: { userId, challengeId }, select: { id: true } }),
  ]);
  return phone?.state === "pending" && code !== null;
}

/**
 * The code sent to a number waiting for it came back. A pending phone becomes this account's
 * second factor (and an account with none before counts as set up); a new number waiting beside
 * an active one replaces it, and only now does the old number stop getting codes.
 */
export async function confirmPhone(userId: string, challengeId: string, code: string, ip: string): Promise<PhoneCodeResult> {
  const result = await checkPhoneCode(userId, challengeId, code);
  if (!result.ok) return result;
  const db = getDb();
  const now = new Date();
  const row = await db.phoneNumber.findUnique({ where: { userId }, select: { state: true, e164: true, lineType: true, pendingE164: true, pendingLineType: true } });
  if (row?.state === "active" && row.pendingE164) {
    const last = lastDigits(row.pendingE164);
    const rows = await eventRows("phone-changed", userId, ip, `ending ${last}`);
    // The swap, the old number's notice and the email land together, or not at all.
    const swapped = await db.$transaction(async (tx) => {
      const { count } = await tx.phoneNumber.updateMany({
        where: { userId, state: "active", pendingE164: row.pendingE164 },
        data: { e164: row.pendingE164!, lineType: row.pendingLineType ?? "unknown", pendingE164: null, pendingLineType: null, confirmedAt: now },
      });
      // Another request swapped (or cancelled) it first: this code is spent on nothing.
      if (count !== 1) return false;
      // Codes already out to the old number (an open sign-in elsewhere) die with it.
      await tx.phoneCode.deleteMany({ where: { userId, usedAt: null } });
      await tx.outboxMessage.create({ data: outboxData(oldNumberNotice(userId, row, "changed", last)), select: { id: true } });
      await storeEventRows(tx, rows);
      return true;
    });
    if (!swapped) return { ok: false, reason: "used" };
    wakeDeliveryWorker();
    return result;
  }
  if (row?.state !== "pending") return { ok: false, reason: "expired" };
  await db.$transaction([
    db.phoneNumber.updateMany({ where: { userId, state: "pending" }, data: { state: "active", confirmedAt: now } }),
    db.user.updateMany({
      where: { id: userId, enrolledAt: null },
      data: { enrolledAt: now, setupDeadline: null, recoveryCodesIssuedAt: null, enrollmentResetAt: null, enrollmentResetReason: null },
    }),
  ]);
  await recordEvent("phone-added", userId, ip, `ending ${lastDigits(row.e164)}`);
  return result;
}

/**
 * A text (a call for a landline, where calls are on) to a number that just stopped getting codes:
 * if someone else changed it, the owner hears of it on the phone they still hold. It names the
 * new number's last two digits at most, and never carries a code.
 */
export function oldNumberNotice(userId: string, old: { e164: string; lineType: string }, change: "changed" | "removed", newLast?: string): NewMessage {
  const config = getConfig();
  const channel = old.lineType === "fixed-line" && config.phone.codes === "sms+voice" ? "voice" : "sms";
  const contact = config.clinic.phone ? `call the clinic on ${config.clinic.phone}` : `contact the clinic: ${config.mail.contact}`;
  const what = change === "changed" ? `was changed to a phone ending ${newLast}` : "was removed";
  const text = `${channel === "voice" ? `Hello. This is ${config.issuer}. ` : ""}Your number for ${config.issuer} sign-in codes ${what}. If this wasn't you, ${contact}.`;
  return { userId, channel, recipient: old.e164, kind: "phone-notice", rendered: { subject: change === "changed" ? "Number changed" : "Number removed", text, html: "" } };
}

/** A sign-in code for an account's active phone, bound to that sign-in's challenge. */
export async function sendSignInCode(input: { userId: string; challengeId: string; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const phone = await signInPhoneOf(input.userId);
  if (!phone) return { ok: false, message: "phoneCodesOff" };
  return sendPhoneCode({ ...input, e164: phone.e164, lineType: phone.lineType });
}
