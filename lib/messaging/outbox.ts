import "server-only";
import { randomUUID } from "node:crypto";
import { getConfig } from "../config";
import { decryptSecret, encryptSecret } from "../crypto";
import { getDb } from "../db";
import type { ChannelName } from "./channel";
import type { Rendered, Sender } from "./templates";

export type MessageKind =
  | "enrolled"
  | "new-phone"
  | "recovery-codes-issued"
  | "recovery-code-used"
  | "password-changed"
  | "password-reset"
  | "lockout"
  | "enrollment-reset"
  | "keyfob-assigned"
  | "keyfob-proven"
  | "keyfob-removed"
  | "password-reset-link"
  | "confirm-email"
  | "sign-up-existing"
  | "sign-up-pending"
  | "phone-code"
  | "phone-added"
  | "phone-changed"
  | "phone-removed"
  | "phone-notice";

export type NewMessage = { userId: string | null; channel: ChannelName; recipient: string; kind: MessageKind; rendered: Rendered };

const bodyContext = (messageId: string) => `outbox:${messageId}`;

export function sender(): Sender {
  const config = getConfig();
  return { clinic: config.issuer, contact: config.mail.contact, appUrl: config.appUrl };
}

/** The row for one message, its Message-ID fixed now and its body sealed. */
export function outboxData(message: NewMessage) {
  const config = getConfig();
  const messageId = `<${randomUUID()}@${config.appUrl.hostname}>`;
  const { text, html } = message.rendered;
  return {
    userId: message.userId,
    channel: message.channel,
    recipient: message.recipient,
    kind: message.kind,
    subject: message.rendered.subject,
    body: encryptSecret(JSON.stringify({ text, html }), config.encryptionKey, bodyContext(messageId)),
    messageId,
  };
}

/**
 * The insert for one message, not yet run: callers put it in the same `$transaction` as the event
 * that causes it, so either both are stored or neither is.
 */
export function outboxCreate(message: NewMessage) {
  return getDb().outboxMessage.create({ data: outboxData(message), select: { id: true } });
}

export function openBody(messageId: string, sealed: string): { text: string; html: string } {
  return JSON.parse(decryptSecret(sealed, getConfig().encryptionKey, bodyContext(messageId))) as { text: string; html: string };
}

export type MessageStatus = "queued" | "sending" | "sent" | "failed";

export type MessageSummary = {
  id: string;
  kind: string;
  channel: string;
  recipient: string;
  subject: string;
  status: MessageStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date;
};

/** An account's recent messages for the admin's patient page: what and how it went, never the body. */
export async function listMessagesFor(userId: string, take = 20): Promise<MessageSummary[]> {
  const rows = await getDb().outboxMessage.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, channel: true, recipient: true, subject: true, status: true, attempts: true, lastError: true, createdAt: true, sentAt: true, nextAttemptAt: true },
  });
  return rows.map((row) => ({ ...row, status: row.status as MessageStatus }));
}
