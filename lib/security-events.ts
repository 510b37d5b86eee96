import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { getDb } from "./db";
import { describeUserAgent } from "./user-agent";
import { noticeFor } from "./messaging/notices";
import { outboxCreate } from "./messaging/outbox";
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
  const userAgent = await requestUserAgent();
  const data = { type, userId, ip, userAgent, detail: detail?.slice(0, 200) ?? null };
  const notice = userId && options.notify !== false ? await noticeFor(type, userId, ip, detail) : null;
  if (!notice) {
    // Raw SQL: every sign-in and every wrong code writes one of these.
    await db.$executeRaw`
      INSERT INTO "SecurityEvent" ("id", "userId", "type", "ip", "userAgent", "detail", "createdAt")
      VALUES (${randomUUID()}, ${data.userId}, ${data.type}, ${data.ip}, ${data.userAgent}, ${data.detail}, ${new Date()})`;
    return;
  }
  await db.$transaction([db.securityEvent.create({ data }), outboxCreate(notice)]);
  wakeDeliveryWorker();
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
