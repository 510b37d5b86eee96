import "server-only";
import { getDb } from "../db";
import type { EventType } from "../security-events";
import { sender, type MessageKind, type NewMessage } from "./outbox";
import { templates, type NoticeContext, type Rendered } from "./templates";

/**
 * Which security events the patient is told about by email (NIST SP 800-63B: every authenticator
 * change; OWASP: failed second-factor attempts). Sign-ins, single wrong codes and password
 * lockouts are left to the activity list: a password lockout is per address and can be set off by
 * anyone who knows the email, so mailing it would hand strangers a way to flood an inbox.
 */
/** Phone events carry "ending NN" as their detail: a notice may name two digits, never a number. */
const lastTwo = (detail: string | undefined) => /ending (\d{2})$/.exec(detail ?? "")?.[1] ?? null;

async function renderNotice(type: EventType, c: NoticeContext, userId: string, detail: string | undefined): Promise<[MessageKind, Rendered] | null> {
  switch (type) {
    case "enrolled":
      return ["enrolled", templates.enrolled(c)];
    case "new-phone":
      return ["new-phone", templates.newPhone(c)];
    case "recovery-codes-issued":
      return ["recovery-codes-issued", templates.recoveryCodesIssued(c)];
    case "sign-in-recovery-code": {
      const remaining = await getDb().recoveryCode.count({ where: { userId, usedAt: null } });
      return ["recovery-code-used", templates.recoveryCodeUsed({ ...c, remaining })];
    }
    case "password-changed":
      return ["password-changed", templates.passwordChanged(c)];
    case "password-reset":
      return ["password-reset", templates.passwordReset(c)];
    case "lockout": {
      if (detail === "password") return null;
      const until = /^until (\S+)$/.exec(detail ?? "")?.[1];
      const date = until ? new Date(until) : null;
      return ["lockout", templates.lockout({ ...c, until: date && !Number.isNaN(date.getTime()) ? date : null })];
    }
    case "enrollment-reset":
      return ["enrollment-reset", templates.enrollmentReset({ ...c, reason: detail ?? "" })];
    case "phone-added":
      return ["phone-added", templates.phoneAdded({ ...c, last: lastTwo(detail) })];
    case "phone-changed":
      return ["phone-changed", templates.phoneChanged({ ...c, last: lastTwo(detail) })];
    case "phone-removed":
      return ["phone-removed", templates.phoneRemoved({ ...c, last: lastTwo(detail) })];
    case "keyfob-assigned":
      return ["keyfob-assigned", templates.keyfobAssigned(c)];
    case "keyfob-proven":
      return ["keyfob-proven", templates.keyfobProven(c)];
    case "keyfob-removed":
    case "keyfob-lost":
      return ["keyfob-removed", templates.keyfobRemoved({ ...c, lost: type === "keyfob-lost" })];
    default:
      return null;
  }
}

/** The events renderNotice has a message for. */
const MAILED = new Set<EventType>([
  "enrolled",
  "new-phone",
  "recovery-codes-issued",
  "sign-in-recovery-code",
  "password-changed",
  "password-reset",
  "lockout",
  "enrollment-reset",
  "keyfob-assigned",
  "keyfob-proven",
  "keyfob-removed",
  "keyfob-lost",
]);

/**
 * The message telling the account's owner about `type`, or null when that event is not mailed.
 * Data, not the insert: a pending Prisma query returned from an async function would run at once,
 * outside the caller's transaction.
 */
export async function noticeFor(type: EventType, userId: string, ip: string | null, detail?: string, at = new Date()): Promise<NewMessage | null> {
  // Most events (every sign-in, every wrong code) are not mailed: no read of the account for them.
  if (!MAILED.has(type)) return null;
  const user = await getDb().user.findUnique({ where: { id: userId }, select: { email: true, name: true } });
  if (!user) return null;
  const notice = await renderNotice(type, { sender: sender(), name: user.name, at, ip }, userId, detail);
  if (!notice) return null;
  const [kind, rendered] = notice;
  return { userId, channel: "email", recipient: user.email, kind, rendered };
}
