import "server-only";
import { getDb } from "../db";
import type { EventType } from "../security-events";
import { sender, type MessageKind, type NewMessage } from "./outbox";
import { mailName, templates, type NoticeContext, type Rendered } from "./templates";

/**
 * Which security events the patient is told about by email (NIST SP 800-63B: every authenticator
 * change; OWASP: failed second-factor attempts). Sign-ins, single wrong codes and password
 * lockouts are left to the activity list: a password lockout is per address and can be set off by
 * anyone who knows the email, so mailing it would hand strangers a way to flood an inbox.
 */
/** Phone events carry "ending NN" as their detail: a notice may name two digits, never a number. */
const lastTwo = (detail: string | undefined) => /ending (\d{2})$/.exec(detail ?? "")?.[1] ?? null;

type Notice = [MessageKind, Rendered] | null;

/** The events that are mailed, each with its message; an event missing here is not mailed. */
const NOTICES: Partial<Record<EventType, (c: NoticeContext, userId: string, detail: string | undefined) => Notice | Promise<Notice>>> = {
  enrolled: (c) => ["enrolled", templates.enrolled(c)],
  "new-phone": (c) => ["new-phone", templates.newPhone(c)],
  "recovery-codes-issued": (c) => ["recovery-codes-issued", templates.recoveryCodesIssued(c)],
  "sign-in-recovery-code": async (c, userId) => {
    const remaining = await getDb().recoveryCode.count({ where: { userId, usedAt: null } });
    return ["recovery-code-used", templates.recoveryCodeUsed({ ...c, remaining })];
  },
  "password-changed": (c) => ["password-changed", templates.passwordChanged(c)],
  "password-reset": (c) => ["password-reset", templates.passwordReset(c)],
  lockout: (c, _userId, detail) => {
    if (detail === "password") return null;
    const until = /^until (\S+)$/.exec(detail ?? "")?.[1];
    const date = until ? new Date(until) : null;
    return ["lockout", templates.lockout({ ...c, until: date && !Number.isNaN(date.getTime()) ? date : null })];
  },
  "enrollment-reset": (c, _userId, detail) => ["enrollment-reset", templates.enrollmentReset({ ...c, reason: detail ?? "" })],
  "phone-added": (c, _userId, detail) => ["phone-added", templates.phoneAdded({ ...c, last: lastTwo(detail) })],
  "phone-changed": (c, _userId, detail) => ["phone-changed", templates.phoneChanged({ ...c, last: lastTwo(detail) })],
  "phone-removed": (c, _userId, detail) => ["phone-removed", templates.phoneRemoved({ ...c, last: lastTwo(detail) })],
  "keyfob-assigned": (c) => ["keyfob-assigned", templates.keyfobAssigned(c)],
  "keyfob-proven": (c) => ["keyfob-proven", templates.keyfobProven(c)],
  "keyfob-removed": (c) => ["keyfob-removed", templates.keyfobRemoved({ ...c, lost: false })],
  "keyfob-lost": (c) => ["keyfob-removed", templates.keyfobRemoved({ ...c, lost: true })],
};

/**
 * The message telling the account's owner about `type`, or null when that event is not mailed.
 * Data, not the insert: a pending Prisma query returned from an async function would run at once,
 * outside the caller's transaction.
 */
export async function noticeFor(type: EventType, userId: string, ip: string | null, detail?: string, at = new Date()): Promise<NewMessage | null> {
  // Most events (every sign-in, every wrong code) are not mailed: no read of the account for them.
  const render = NOTICES[type];
  if (!render) return null;
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { email: true, name: true, emailConfirmedAt: true } });
  if (!user) return null;
  const notice = await render({ sender: sender(), name: mailName(user), at, ip }, userId, detail);
  if (!notice) return null;
  const [kind, rendered] = notice;
  return { userId, channel: "email", recipient: user.email, kind, rendered };
}
