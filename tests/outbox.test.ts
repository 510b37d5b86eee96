import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import type { Channel } from "@/lib/messaging/channel";
import { createEmailChannel } from "@/lib/messaging/email";
import { outboxCreate } from "@/lib/messaging/outbox";
import { templates } from "@/lib/messaging/templates";
import { MAX_ATTEMPTS, backoffMs, deliverDue } from "@/lib/messaging/worker";
import { recordEvent } from "@/lib/security-events";
import { startSmtpServer, type TestSmtpServer } from "./support/smtp";
import { newPatient, uniqueEmail } from "./support/users";

const FROM = '"Test Clinic" <portal@clinic.test>';
const emailTo = (url: string): Channel => createEmailChannel({ transport: { kind: "smtp", url }, from: FROM, contact: "Call 01234 567890" });

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

const received = (email: string) => smtp.inbox.filter((m) => m.to.includes(email));
const rowsOf = (userId: string) => getDb().outboxMessage.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });

/** A message with a secret link in it, queued the way every caller queues one. */
async function queueLink(recipient: string) {
  const sender = { clinic: "Test Clinic", contact: "Call 01234 567890", appUrl: getConfig().appUrl };
  const link = `${getConfig().appUrl.origin}/reset-password?token=SECRET-${Math.random().toString(36).slice(2)}`;
  const rendered = templates.passwordResetLink({ sender, name: null, link, byClinic: false });
  const row = await outboxCreate({ userId: null, channel: "email", recipient, kind: "password-reset-link", rendered });
  return { id: row.id, link };
}

describe("outbox and email delivery", () => {
  it("writes the notice with its event and delivers it over SMTP with the Message-ID fixed at write time", async () => {
    const user = await newPatient();
    await recordEvent("password-changed", user.id, "203.0.113.9");
    const [row] = await rowsOf(user.id);
    expect(row).toMatchObject({ status: "queued", attempts: 0, kind: "password-changed", recipient: user.email, channel: "email" });
    expect(await getDb().securityEvent.count({ where: { userId: user.id, type: "password-changed" } })).toBe(1);

    await deliverDue({ channels: { email: emailTo(smtp.url) }, onlyTo: [user.email] });
    const [mail] = received(user.email);
    expect(mail!.mail.subject).toBe("Your password was changed");
    expect(mail!.mail.messageId).toBe(row!.messageId);
    expect(mail!.mail.from!.text).toContain("portal@clinic.test");
    expect(mail!.mail.text).toContain("203.0.113.9");
    expect(mail!.mail.text).toContain(getConfig().mail.contact);
    expect(mail!.mail.text).toContain(`${getConfig().appUrl.origin}/sign-in`);
    expect(mail!.mail.html).toContain('<html lang="en">');
    expect(await getDb().outboxMessage.findUnique({ where: { id: row!.id } })).toMatchObject({ status: "sent", attempts: 1, lastError: null });
  });

  it("keeps a link that works as a password out of the database in plain text and out of the logs", async () => {
    const email = uniqueEmail();
    const log = vi.spyOn(console, "warn");
    const { id, link } = await queueLink(email);
    const stored = await getDb().outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(stored)).not.toContain(link.split("=")[1]);

    const down = await startSmtpServer();
    await down.close();
    await deliverDue({ channels: { email: emailTo(down.url) }, onlyTo: [email] });
    const logged = log.mock.calls.flat().join("\n");
    expect(logged).toContain(id);
    expect(logged).not.toContain("SECRET-");
    log.mockRestore();
  });

  it("keeps messages queued while the mail server is down and delivers them once it is back", async () => {
    const email = uniqueEmail();
    const down = await startSmtpServer();
    const port = down.port;
    await down.close();
    const { id } = await queueLink(email);

    await deliverDue({ channels: { email: emailTo(`smtp://127.0.0.1:${port}`) }, onlyTo: [email] });
    const waiting = await getDb().outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(waiting).toMatchObject({ status: "queued", attempts: 1 });
    expect(waiting.lastError).toContain("ECONNREFUSED");
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);

    // Not due yet: a second pass right away leaves it alone.
    await deliverDue({ channels: { email: emailTo(`smtp://127.0.0.1:${port}`) }, onlyTo: [email] });
    expect((await getDb().outboxMessage.findUniqueOrThrow({ where: { id } })).attempts).toBe(1);

    const back = await startSmtpServer({ port });
    try {
      const later = () => new Date(Date.now() + 60_000);
      await deliverDue({ channels: { email: emailTo(back.url) }, now: later, onlyTo: [email] });
      expect(back.inbox.filter((m) => m.to.includes(email))).toHaveLength(1);
      expect(await getDb().outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sent", attempts: 2, lastError: null });
    } finally {
      await back.close();
    }
  });

  it("backs off exponentially and gives up after the last attempt, saying why", async () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20, 0)).toBe(3_600_000);
    const email = uniqueEmail();
    const { id } = await queueLink(email);
    await getDb().outboxMessage.update({ where: { id }, data: { attempts: MAX_ATTEMPTS - 1 } });
    const down = await startSmtpServer();
    await down.close();
    await deliverDue({ channels: { email: emailTo(down.url) }, onlyTo: [email] });
    const row = await getDb().outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(row.lastError).toContain("ECONNREFUSED");
  });

  it("marks a message failed at once when the server refuses the address for good", async () => {
    const strict = await startSmtpServer({ onRcpt: (address) => (address.startsWith("gone-") ? Object.assign(new Error("No such user"), { responseCode: 550 }) : null) });
    try {
      const gone = `gone-${uniqueEmail()}`;
      const { id } = await queueLink(gone);
      await deliverDue({ channels: { email: emailTo(strict.url) }, onlyTo: [gone] });
      const row = await getDb().outboxMessage.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ status: "failed", attempts: 1 });
      expect(row.lastError).toContain("550");
    } finally {
      await strict.close();
    }
  });

  it("sends each message once when several workers race for the same rows", async () => {
    const emails = Array.from({ length: 6 }, () => uniqueEmail("race"));
    for (const email of emails) await queueLink(email);
    const channel = emailTo(smtp.url);
    await Promise.all(Array.from({ length: 4 }, () => deliverDue({ channels: { email: channel }, onlyTo: emails })));
    for (const email of emails) expect(received(email)).toHaveLength(1);
  });

  it("takes up a message whose worker died mid-send, with the same Message-ID", async () => {
    const email = uniqueEmail();
    const { id } = await queueLink(email);
    const crashed = await getDb().outboxMessage.update({
      where: { id },
      data: { status: "sending", attempts: 1, claimToken: "dead-worker", claimedUntil: new Date(Date.now() + 60_000) },
    });
    await deliverDue({ channels: { email: emailTo(smtp.url) }, onlyTo: [email] });
    expect(received(email)).toHaveLength(0);

    await deliverDue({ channels: { email: emailTo(smtp.url) }, now: () => new Date(Date.now() + 120_000), onlyTo: [email] });
    expect(received(email).map((m) => m.mail.messageId)).toEqual([crashed.messageId]);
    expect(await getDb().outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("writes .eml files with one console line each when no SMTP server is configured", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "outbox-"));
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const email = uniqueEmail();
    const { id, link } = await queueLink(email);
    await deliverDue({ channels: { email: createEmailChannel({ transport: { kind: "folder", dir }, from: FROM, contact: "x" }) }, onlyTo: [email] });
    const file = path.join(dir, `${id}.eml`);
    expect(readdirSync(dir)).toContain(`${id}.eml`);
    const eml = await simpleParser(readFileSync(file));
    expect(eml.to).toMatchObject({ text: email });
    expect(eml.text).toContain(link);
    const lines = log.mock.calls.map((c) => String(c[0])).filter((l) => l.includes(id));
    expect(lines).toEqual([expect.stringContaining(file)]);
    expect(lines[0]).not.toContain(link);
    log.mockRestore();
  });
});
