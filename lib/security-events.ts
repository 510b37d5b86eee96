import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { headers } from "next/headers";
import { getDb } from "./db";
import { executeSql } from "./sql";
import { describeUserAgent } from "./user-agent";
import { noticeFor } from "./messaging/notices";
import { outboxCreate, outboxData, type NewMessage } from "./messaging/outbox";
import { wakeDeliveryWorker } from "./messaging/worker";

/** What a patient may see in their activity list, in their words. */
export const EVENT_LABELS = {
  "sign-in": "Signed in",
  "sign-in-recovery-code": "Signed in with a recovery code",
  "password-wrong": "Wrong password entered",
  "code-wrong": "Wrong code entered",
  lockout: "Sign-in paused after too many wrong attempts",
  "setup-started": "Authenticator setup started",
  "new-phone-started": "Setup of a new phone started",
  enrolled: "Authenticator app set up",
  "new-phone": "Authenticator moved to a new phone",
  "recovery-codes-issued": "New recovery codes created",
  "password-changed": "Password changed",
  "sessions-ended": "Signed out on other devices",
  "signed-out": "Signed out",
  "enrollment-reset": "Two-step sign-in reset by the clinic",
  "account-unlocked": "Sign-in pause lifted by the clinic",
  "sign-in-keyfob": "Signed in with a keyfob",
  "keyfob-assigned": "Keyfob handed out by the clinic",
  "keyfob-proven": "Keyfob confirmed with its first code",
  "keyfob-removed": "Keyfob taken back by the clinic",
  "keyfob-lost": "Keyfob marked lost by the clinic",
  "password-reset": "Password reset with an email link",
  "password-reset-requested": "Password reset link sent",
  "email-confirmed": "Email address confirmed",
  "setup-sheet-printed": "One-time setup sheet printed by the clinic",
  "sign-in-phone": "Signed in with a code sent to your phone",
  "phone-added": "Phone added for sign-in codes",
  "phone-changed": "Phone number for sign-in codes changed",
  "phone-removed": "Phone removed from sign-in codes",
} as const;

export type EventType = keyof typeof EVENT_LABELS;

/** The browser of the request being handled, if there is one (the console has none). */
export async function requestUserAgent(): Promise<string | null> {
  try {
    return (await headers()).get("user-agent")?.slice(0, 300) || null;
  } catch {
    return null;
  }
}

/**
 * Records an event for the activity list. When the owner is to be told by email (lib/messaging/
 * notices.ts), the message is written in the same transaction: both are stored, or neither.
 * `notify: false` when another message already covers it.
 */
export async function recordEvent(
  type: EventType,
  userId: string | null,
  ip: string | null,
  detail?: string,
  options: { notify?: boolean } = {},
): Promise<void> {
  const db = getDb();
  const { event, notice } = await eventRows(type, userId, ip, detail, options);
  if (!notice) {
    // Raw SQL: every sign-in and every wrong code writes one of these.
    await executeSql(Prisma.sql`
      INSERT INTO "SecurityEvent" ("id", "userId", "type", "ip", "userAgent", "detail", "createdAt")
      VALUES (${randomUUID()}, ${event.userId}, ${event.type}, ${event.ip}, ${event.userAgent}, ${event.detail}, ${new Date()})`);
    return;
  }
  await db.$transaction([db.securityEvent.create({ data: event }), outboxCreate(notice)]);
  wakeDeliveryWorker();
}

export type EventRows = { event: Prisma.SecurityEventUncheckedCreateInput; notice: NewMessage | null };

/**
 * What recordEvent stores, made ready before a transaction that has writes of its own: pass it
 * to storeEventRows inside, and wake the delivery worker after it commits when there is a notice.
 */
export async function eventRows(type: EventType, userId: string | null, ip: string | null, detail?: string, options: { notify?: boolean } = {}): Promise<EventRows> {
  const userAgent = await requestUserAgent();
  const event = { type, userId, ip, userAgent, detail: detail?.slice(0, 200) ?? null };
  const notice = userId && options.notify !== false ? await noticeFor(type, userId, ip, detail) : null;
  return { event, notice };
}

export async function storeEventRows(tx: Prisma.TransactionClient, rows: EventRows): Promise<void> {
  await tx.securityEvent.create({ data: rows.event, select: { id: true } });
  if (rows.notice) await tx.outboxMessage.create({ data: outboxData(rows.notice), select: { id: true } });
}

export type ActivityItem = { id: string; label: string; at: Date; ip: string | null; device: string | null; detail: string | null };

export async function listActivity(userId: string, take = 50): Promise<ActivityItem[]> {
  const rows = await getDb().securityEvent.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, type: true, createdAt: true, ip: true, userAgent: true, detail: true },
  });
  return rows.map((row) => ({
    id: row.id,
    label: EVENT_LABELS[row.type as EventType] ?? row.type,
    at: row.createdAt,
    ip: row.ip,
    device: row.userAgent ? describeUserAgent(row.userAgent) : null,
    detail: row.detail,
  }));
}
