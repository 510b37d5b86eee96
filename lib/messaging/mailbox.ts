import "server-only";
import path from "node:path";
import { headers } from "next/headers";
import { getConfig } from "../config";
import { getDb } from "../db";
import { peerHeaderName } from "../socket-ip-header";
import { openBody } from "./outbox";

export type LocalMail = { id: string; recipient: string; subject: string; createdAt: Date; file: string; text: string };

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/** localhost, 127.0.0.1 or [::1], with or without a port. */
export function isLoopbackHost(host: string | null): boolean {
  return host !== null && /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i.test(host);
}

/**
 * The local mailbox exists only where mail goes to `.outbox/` instead of a mail server (never on a
 * public portal, see lib/config-schema.ts), and only for a browser on this machine talking to the
 * portal directly: the messages hold working sign-up and reset links. The browser must also have
 * asked for a loopback name: a page elsewhere that rebinds its own hostname to 127.0.0.1 (DNS
 * rebinding) reaches this machine from the browser, but with its own name in Host.
 */
export async function localMailboxAllowed(): Promise<boolean> {
  const config = getConfig();
  if (config.mail.transport.kind !== "folder" || config.trustProxyHops !== 0) return false;
  const name = peerHeaderName();
  const requestHeaders = await headers();
  const peer = name ? requestHeaders.get(name) : null;
  return peer !== null && LOOPBACK.has(peer) && isLoopbackHost(requestHeaders.get("host"));
}

/** The newest messages written to `.outbox/`, with their text, for the local mailbox page. */
export async function listLocalMail(take = 50): Promise<LocalMail[]> {
  const transport = getConfig().mail.transport;
  if (transport.kind !== "folder") return [];
  const rows = await getDb().outboxMessage.findMany({
    where: { channel: "email", status: "sent" },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, recipient: true, subject: true, createdAt: true, messageId: true, body: true },
  });
  return rows.map((row) => ({
    id: row.id,
    recipient: row.recipient,
    subject: row.subject,
    createdAt: row.createdAt,
    file: path.join(transport.dir, `${row.id}.eml`),
    text: openBody(row.messageId, row.body).text,
  }));
}
