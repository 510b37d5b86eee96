import "server-only";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { recordEvent } from "@/lib/security-events";
import { checkPhoneCode, sendPhoneCode, type PhoneChannel, type PhoneCodeResult, type SendResult } from "./codes";

export type PhoneSummary = { e164: string; last: string; lineType: string; state: "pending" | "active" };

export async function phoneOf(userId: string): Promise<PhoneSummary | null> {
  const row = await getDb().phoneNumber.findUnique({ where: { userId }, select: { e164: true, lineType: true, state: true } });
  if (!row) return null;
  return { e164: row.e164, last: row.e164.slice(-2), lineType: row.lineType, state: row.state === "active" ? "active" : "pending" };
}

/** An active phone that may receive sign-in codes now (off when the clinic turned phone codes off). */
export async function signInPhoneOf(userId: string): Promise<PhoneSummary | null> {
  if (getConfig().phone.codes === "off") return null;
  const phone = await phoneOf(userId);
  return phone?.state === "active" ? phone : null;
}

/**
 * Setup: the typed number becomes this account's pending phone (replacing any pending one) and
 * gets a code. It counts only once that code comes back (confirmPhone).
 */
export async function startPhoneSetup(input: { userId: string; challengeId: string; number: unknown; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const config = getConfig().phone;
  if (config.codes === "off") return { ok: false, message: "phoneCodesOff" };
  // The full numbering metadata is large: loaded when a number is typed, not by every process.
  const { parsePhone } = await import("./numbers");
  const parsed = parsePhone(input.number, config);
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
  }
  return sendPhoneCode({ userId: input.userId, challengeId: input.challengeId, e164: parsed.e164, channel: input.channel, ip: input.ip });
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
 * The code sent to a pending phone came back: the phone is this account's second factor, and an
 * account with none before counts as set up.
 */
export async function confirmPhone(userId: string, challengeId: string, code: string, ip: string): Promise<PhoneCodeResult> {
  const result = await checkPhoneCode(userId, challengeId, code);
  if (!result.ok) return result;
  const db = getDb();
  const now = new Date();
  await db.$transaction([
    db.phoneNumber.updateMany({ where: { userId, state: "pending" }, data: { state: "active", confirmedAt: now } }),
    db.user.updateMany({
      where: { id: userId, enrolledAt: null },
      data: { enrolledAt: now, setupDeadline: null, recoveryCodesIssuedAt: null, enrollmentResetAt: null, enrollmentResetReason: null },
    }),
  ]);
  await recordEvent("phone-added", userId, ip);
  return result;
}

/** A sign-in code for an account's active phone, bound to that sign-in's challenge. */
export async function sendSignInCode(input: { userId: string; challengeId: string; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const phone = await signInPhoneOf(input.userId);
  if (!phone) return { ok: false, message: "phoneCodesOff" };
  return sendPhoneCode({ ...input, e164: phone.e164 });
}
