import "server-only";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type { MailConfig } from "../config-schema";
import { PermanentDeliveryError, type Channel, type OutgoingMessage } from "./channel";

/** Short enough that a dead server fails an attempt quickly; the worker's lease is longer than all of them together. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

type SmtpError = Error & { code?: string; responseCode?: number };

/**
 * Email over SMTP with nodemailer, or on a local install into a folder of .eml files that any
 * mail program opens (and /dev/mailbox lists). The same From, Message-ID and MIME either way.
 */
export function createEmailChannel(mail: MailConfig): Channel {
  const transport = mail.transport;
  if (transport.kind === "folder") return folderChannel(mail.from, transport.dir);
  const smtp =
    "url" in transport
      ? nodemailer.createTransport({ url: transport.url, ...SMTP_TIMEOUTS })
      : nodemailer.createTransport({
          host: transport.host,
          port: transport.port,
          secure: transport.secure,
          ...(transport.user ? { auth: { user: transport.user, pass: transport.password ?? "" } } : {}),
          ...SMTP_TIMEOUTS,
        });
  return {
    name: "email",
    async send(message) {
      try {
        await smtp.sendMail(envelope(mail.from, message));
      } catch (error) {
        throw describeSmtpError(error as SmtpError);
      }
    },
  };
}

function envelope(from: string, message: OutgoingMessage) {
  return {
    from,
    to: message.recipient,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: { "Auto-Submitted": "auto-generated" },
  };
}

/**
 * The error's code and the server's reply, which name the cause; never the message itself.
 * 550–553 mean this address will not take mail: retrying cannot help.
 */
function describeSmtpError(error: SmtpError): Error {
  const reply = error.responseCode ? ` ${error.responseCode}` : "";
  const text = `${error.code ?? error.name}${reply}: ${error.message}`.replace(/\s+/g, " ").slice(0, 300);
  if (error.responseCode && error.responseCode >= 550 && error.responseCode <= 553) return new PermanentDeliveryError(text);
  return new Error(text);
}

function folderChannel(from: string, dir: string): Channel {
  const render = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    name: "email",
    async send(message) {
      const info = await render.sendMail(envelope(from, message));
      await mkdir(dir, { recursive: true });
      // Named by the outbox row: a resend after a crash overwrites the same file.
      const file = path.join(dir, `${message.id}.eml`);
      await writeFile(file, info.message as Buffer, { mode: 0o600 });
      console.log(`[mail] ${message.subject} → ${message.recipient}: ${file}`);
    },
  };
}
