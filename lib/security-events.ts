import "server-only";
import { getDb } from "./db";
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
  enrolled: "Authenticator app set up",
  "new-phone": "Authenticator moved to a new phone",
  "recovery-codes-issued": "New recovery codes created",
  "password-changed": "Password changed",
  "sessions-ended": "Signed out on other devices",
  "signed-out": "Signed out",
  "enrollment-reset": "Two-step sign-in reset by the clinic",
  "account-unlocked": "Sign-in pause lifted by the clinic",
  "password-reset": "Password reset with an email link",
  "password-reset-requested": "Password reset link sent",
  "email-confirmed": "Email address confirmed",
  "setup-sheet-printed": "One-time setup sheet printed by the clinic",
} as const;

export type EventType = keyof typeof EVENT_LABELS;

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
  const event = db.securityEvent.create({ data: { type, userId, ip, detail: detail?.slice(0, 200) ?? null } });
  const notice = userId && options.notify !== false ? await noticeFor(type, userId, ip, detail) : null;
  if (!notice) {
    await event;
    return;
  }
  await db.$transaction([event, outboxCreate(notice)]);
  wakeDeliveryWorker();
}

export type ActivityItem = { id: string; label: string; at: Date; ip: string | null; detail: string | null };

export async function listActivity(userId: string, take = 50): Promise<ActivityItem[]> {
  const rows = await getDb().securityEvent.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, type: true, createdAt: true, ip: true, detail: true },
  });
  return rows.map((row) => ({
    id: row.id,
    label: EVENT_LABELS[row.type as EventType] ?? row.type,
    at: row.createdAt,
    ip: row.ip,
    detail: row.detail,
  }));
}
