import "server-only";
import { getDb } from "@/lib/db";
import { lastDigits } from "@/lib/messaging/phone";
import { eventRows, recordEvent, storeEventRows } from "@/lib/security-events";
import { outboxData } from "@/lib/messaging/outbox";
import { wakeDeliveryWorker } from "@/lib/messaging/worker";
import { factorsOf } from "../registry";
import { sendPhoneCode, type PhoneChannel, type SendResult } from "./codes";
import { oldNumberNotice, parseTypedNumber, phoneOf, signInPhoneOf } from "./phones";

/**
 * A phone managed from security settings by a signed-in patient: added as a backup to an app,
 * its number changed, or removed. Codes sent here are bound to the session under their own
 * prefix, so a code meant to confirm a number never passes a step-up or a sign-in, and back.
 */
export const numberChallenge = (sessionId: string) => `phone-number:${sessionId}`;
export const stepUpChallenge = (sessionId: string) => `step-up:${sessionId}`;

export type PhoneSettings = {
  /** The phone that gets codes now, if any (last two digits only). */
  active: { last: string; lineType: string } | null;
  /** A number waiting for the code sent to it: a first phone, or a new number beside the active one. */
  waiting: { last: string } | null;
  /** Whether the account has another second factor, so removing the phone leaves it able to sign in. */
  hasOtherFactor: boolean;
};

export async function phoneSettingsOf(userId: string): Promise<PhoneSettings> {
  const [row, factors] = await Promise.all([
    getDb().phoneNumber.findUnique({ where: { userId }, select: { e164: true, lineType: true, state: true, pendingE164: true } }),
    factorsOf(userId),
  ]);
  const active = row?.state === "active" ? { last: lastDigits(row.e164), lineType: row.lineType } : null;
  const waiting = row ? (row.state === "pending" ? { last: lastDigits(row.e164) } : row.pendingE164 ? { last: lastDigits(row.pendingE164) } : null) : null;
  return { active, waiting, hasOtherFactor: factors.some((factor) => factor.kind !== "phone") };
}

/**
 * The typed number waits beside the account's factors until the code sent to it comes back
 * (confirmPhone): a first phone as a pending row, a new number next to the active one, which
 * keeps getting codes until then.
 */
export async function startPhoneNumber(input: { userId: string; sessionId: string; number: unknown; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const parsed = await parseTypedNumber(input.number);
  if (!parsed.ok) return parsed;
  const db = getDb();
  const current = await phoneOf(input.userId);
  const challengeId = numberChallenge(input.sessionId);
  if (current?.state === "active") {
    if (current.e164 === parsed.e164) return { ok: false, message: "phoneSameNumber" };
    await db.phoneNumber.updateMany({ where: { userId: input.userId, state: "active" }, data: { pendingE164: parsed.e164, pendingLineType: parsed.lineType } });
  } else {
    await db.phoneNumber.upsert({
      where: { userId: input.userId },
      create: { userId: input.userId, e164: parsed.e164, lineType: parsed.lineType },
      update: { e164: parsed.e164, lineType: parsed.lineType, state: "pending", confirmedAt: null },
    });
  }
  // A code out for the number typed before must not confirm this one, even if the send below is refused.
  await db.phoneCode.deleteMany({ where: { userId: input.userId, challengeId, usedAt: null } });
  return sendPhoneCode({ userId: input.userId, challengeId, e164: parsed.e164, lineType: parsed.lineType, channel: input.channel, ip: input.ip });
}

/** "Send again" / "Call me instead" for the number waiting for its code. */
export async function resendNumberCode(input: { userId: string; sessionId: string; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const row = await getDb().phoneNumber.findUnique({ where: { userId: input.userId }, select: { e164: true, lineType: true, state: true, pendingE164: true, pendingLineType: true } });
  const waiting = row?.state === "pending" ? { e164: row.e164, lineType: row.lineType } : row?.pendingE164 ? { e164: row.pendingE164, lineType: row.pendingLineType ?? "unknown" } : null;
  if (!waiting) return { ok: false, message: "phoneNothingPending" };
  return sendPhoneCode({ userId: input.userId, challengeId: numberChallenge(input.sessionId), ...waiting, channel: input.channel, ip: input.ip });
}

/** Forgets a number that never got confirmed; the active phone, if any, is untouched. */
export async function cancelWaitingNumber(userId: string, sessionId: string): Promise<void> {
  const db = getDb();
  await db.$transaction([
    db.phoneNumber.deleteMany({ where: { userId, state: "pending" } }),
    db.phoneNumber.updateMany({ where: { userId, state: "active" }, data: { pendingE164: null, pendingLineType: null } }),
    db.phoneCode.deleteMany({ where: { userId, challengeId: numberChallenge(sessionId), usedAt: null } }),
  ]);
}

export type RemoveResult = { ok: true } | { ok: false; message: "phoneOnlyFactor" | "phoneNothingPending" };

/**
 * Takes the phone off the account, refused when it is the only second factor (the account could
 * no longer sign in). The email and the number itself are told.
 */
export async function removePhone(userId: string, ip: string): Promise<RemoveResult> {
  const db = getDb();
  const row = await db.phoneNumber.findUnique({ where: { userId }, select: { e164: true, lineType: true, state: true } });
  if (row?.state !== "active") return { ok: false, message: "phoneNothingPending" };
  const others = (await factorsOf(userId)).filter((factor) => factor.kind !== "phone");
  if (others.length === 0) return { ok: false, message: "phoneOnlyFactor" };
  const rows = await eventRows("phone-removed", userId, ip, `ending ${lastDigits(row.e164)}`);
  // The removal, the number's notice and the email land together, or not at all.
  const removed = await db.$transaction(async (tx) => {
    const { count } = await tx.phoneNumber.deleteMany({ where: { userId, e164: row.e164, state: "active" } });
    if (count !== 1) return false;
    await tx.phoneCode.deleteMany({ where: { userId } });
    await tx.outboxMessage.create({ data: outboxData(oldNumberNotice(userId, row, "removed")), select: { id: true } });
    await storeEventRows(tx, rows);
    return true;
  });
  if (removed) wakeDeliveryWorker();
  return { ok: true };
}

/** A code to the active phone for confirming it's you (step-up), bound to this session. */
export async function sendStepUpCode(input: { userId: string; sessionId: string; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const phone = await signInPhoneOf(input.userId);
  if (!phone) return { ok: false, message: "phoneCodesOff" };
  return sendPhoneCode({ userId: input.userId, challengeId: stepUpChallenge(input.sessionId), e164: phone.e164, lineType: phone.lineType, channel: input.channel, ip: input.ip });
}
