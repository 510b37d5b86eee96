import "server-only";
import { createHmac, hkdfSync, randomInt, randomUUID, timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config";
import { hashToken } from "@/lib/crypto";
import { getDb } from "@/lib/db";
import { encodeMessage } from "@/lib/messages";
import { outboxData } from "@/lib/messaging/outbox";
import { lastDigits } from "@/lib/messaging/phone";
import { wakeDeliveryWorker } from "@/lib/messaging/worker";
import { checkLimits, consumeLimits, policies, type Policy } from "@/lib/rate-limit";
import { RESEND_COOLDOWN_SECONDS } from "./cooldown";

export const PHONE_CODE_TTL_MS = 5 * 60_000;

export type PhoneChannel = "sms" | "voice";

/** Keyed, so a copy of the database cannot be searched for a 6-digit code in a million tries. */
function hashPhoneCode(challengeId: string, code: string): Buffer {
  const key = Buffer.from(hkdfSync("sha256", getConfig().encryptionKey, Buffer.alloc(0), "phone-codes", 32));
  return createHmac("sha256", key).update(`${challengeId}:${code}`).digest();
}

/** Digits read one at a time with a pause, twice: a code read as "one hundred and twenty..." is misheard. */
function spoken(code: string): string {
  const slow = code.split("").join(". ");
  return `${slow}. Again: ${slow}.`;
}

function render(channel: PhoneChannel, code: string) {
  const clinic = getConfig().issuer;
  const text =
    channel === "sms"
      ? `${code} is your ${clinic} sign-in code. It works for 5 minutes. Never share it: the clinic will never ask you for it.`
      : `Hello. This is ${clinic}. Your sign-in code is: ${spoken(code)} Goodbye.`;
  return { subject: "Sign-in code", text, html: "" };
}

export type SendResult = { ok: true; message: string } | { ok: false; message: string };

export type Delivery = { channel: PhoneChannel; state: "waiting" | "sent" | "failed" };

/**
 * How the newest code for this challenge is getting on: still with the outbox, handed to the
 * provider, or given up on (a 4xx from the provider, or every retry spent).
 */
export async function lastDelivery(challengeId: string): Promise<Delivery | null> {
  const db = getDb();
  const last = await db.phoneCode.findFirst({ where: { challengeId }, orderBy: { createdAt: "desc" }, select: { channel: true, outboxId: true } });
  if (!last?.outboxId) return null;
  const message = await db.outboxMessage.findUnique({ where: { id: last.outboxId }, select: { status: true } });
  if (!message) return null;
  const state = message.status === "sent" ? "sent" : message.status === "failed" ? "failed" : "waiting";
  return { channel: last.channel === "voice" ? "voice" : "sms", state };
}

/** Seconds until this challenge may get another code (0: now). A message that failed for good waits for nothing. */
export async function cooldownLeft(challengeId: string, now = new Date()): Promise<number> {
  const last = await getDb().phoneCode.findFirst({ where: { challengeId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
  if (!last) return 0;
  if ((await lastDelivery(challengeId))?.state === "failed") return 0;
  const left = RESEND_COOLDOWN_SECONDS - (now.getTime() - last.createdAt.getTime()) / 1000;
  return left > 0 ? Math.ceil(left) : 0;
}

/**
 * Sends a fresh code for one challenge by text or call (a call for a known landline), through the outbox. A new code replaces
 * any unused one for the same challenge. Refused while the cooldown runs or any send budget
 * (account, number, address) is spent; the limits are counted only for a send that happens.
 */
export async function sendPhoneCode(input: { userId: string; challengeId: string; e164: string; lineType: string; channel: PhoneChannel; ip: string }): Promise<SendResult> {
  const phone = getConfig().phone;
  if (phone.codes === "off") return { ok: false, message: "phoneCodesOff" };
  // A landline cannot take a text: where calls are on, it is called, whichever button was pressed.
  const channel: PhoneChannel = input.lineType === "fixed-line" && phone.codes === "sms+voice" ? "voice" : input.channel;
  if (channel === "voice" && phone.codes !== "sms+voice") return { ok: false, message: "phoneCallOff" };
  const wait = await cooldownLeft(input.challengeId);
  if (wait > 0) return { ok: false, message: encodeMessage("phoneResendWait", wait) };

  const limits = policies();
  // A number is a key by its hash: the limits table need not hold anyone's phone number.
  const number = hashToken(input.e164);
  const gates: [Policy, string][] = [
    [limits.phoneSendAccount, input.userId],
    [limits.phoneSendAccountDay, input.userId],
    [limits.phoneSendNumber, number],
    [limits.phoneSendNumberDay, number],
    [limits.phoneSendIp, input.ip],
    [limits.phoneSendIpDay, input.ip],
  ];
  const early = await checkLimits(gates);
  if (!early.ok) return { ok: false, message: encodeMessage("phoneSendLimit", Math.max(1, Math.ceil((early.retryAt.getTime() - Date.now()) / 60_000))) };
  const counted = await consumeLimits(gates);
  const refused = counted.find((result) => !result.ok);
  if (refused && !refused.ok) return { ok: false, message: encodeMessage("phoneSendLimit", Math.max(1, Math.ceil((refused.retryAt.getTime() - Date.now()) / 60_000))) };

  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const db = getDb();
  const now = new Date();
  const outboxId = randomUUID();
  await db.$transaction([
    db.phoneCode.deleteMany({ where: { challengeId: input.challengeId, usedAt: null } }),
    db.phoneCode.create({
      data: {
        userId: input.userId,
        challengeId: input.challengeId,
        codeHash: hashPhoneCode(input.challengeId, code).toString("hex"),
        channel,
        expiresAt: new Date(now.getTime() + PHONE_CODE_TTL_MS),
        createdAt: now,
        outboxId,
      },
    }),
    db.outboxMessage.create({
      data: { id: outboxId, ...outboxData({ userId: input.userId, channel, recipient: input.e164, kind: "phone-code", rendered: render(channel, code) }) },
      select: { id: true },
    }),
  ]);
  wakeDeliveryWorker();
  const said = channel === "sms" ? "phoneCodeSent" : input.channel === "sms" ? "phoneLandlineCall" : "phoneCallPlaced";
  return { ok: true, message: encodeMessage(said, lastDigits(input.e164)) };
}

export type PhoneCodeResult = { ok: true } | { ok: false; reason: "wrong" | "used" | "expired" };

/**
 * A typed code against the codes sent for this challenge. Single use: of several requests with
 * the same code, only the one whose conditional UPDATE matches succeeds.
 */
export async function checkPhoneCode(userId: string, challengeId: string, code: string, now = new Date()): Promise<PhoneCodeResult> {
  const db = getDb();
  const rows = await db.phoneCode.findMany({
    where: { userId, challengeId },
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { id: true, codeHash: true, usedAt: true, expiresAt: true },
  });
  const typed = hashPhoneCode(challengeId, code);
  const match = rows.find((row) => timingSafeEqual(Buffer.from(row.codeHash, "hex"), typed));
  if (!match) return { ok: false, reason: "wrong" };
  if (match.usedAt) return { ok: false, reason: "used" };
  if (match.expiresAt <= now) return { ok: false, reason: "expired" };
  const { count } = await db.phoneCode.updateMany({ where: { id: match.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  return count === 1 ? { ok: true } : { ok: false, reason: "used" };
}

/** Housekeeping: codes past their 5 minutes are useless, used or not. */
export async function pruneExpiredPhoneCodes(now = new Date()): Promise<number> {
  const { count } = await getDb().phoneCode.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 60 * 60_000) } } });
  return count;
}
