import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import Database from "better-sqlite3";
import { startSmtpServer } from "../support/smtp";
import { PASSWORD, startOwnPortal, uniqueEmail } from "./helpers";

// A second portal of its own (database, SMTP server, port) that this test may kill.
const PORT = Number(process.env.E2E_PORT ?? 3100) + 2;
const SMTP_PORT = PORT + 1;
const DB_FILE = ".tmp/e2e-crash.db";
const settings = {
  AUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  SMTP_URL: `smtp://portal:${encodeURIComponent("smtp test password")}@127.0.0.1:${SMTP_PORT}`,
  MAIL_FROM: "portal@clinic.test",
  OUTBOX_LEASE_SECONDS: "5",
};

function outboxRows(): { recipient: string; status: string; messageId: string; attempts: number }[] {
  const db = new Database(DB_FILE, { readonly: true });
  try {
    return db.prepare(`SELECT recipient, status, messageId, attempts FROM "OutboxMessage"`).all() as never;
  } finally {
    db.close();
  }
}

test("a server killed with SIGKILL while sending delivers every message after a restart, repeats only with the same Message-ID", async ({ page }) => {
  test.setTimeout(120_000);
  const smtp = await startSmtpServer({ port: SMTP_PORT, stallData: true });
  let portal = await startOwnPortal(PORT, DB_FILE, settings);
  try {
    const emails = [uniqueEmail("crash"), uniqueEmail("crash"), uniqueEmail("crash")];
    for (const email of emails) {
      await page.goto(`${portal.base}/sign-up`);
      await page.getByLabel("Email address").fill(email);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByRole("button", { name: "Create account" }).click();
      await expect(page).toHaveURL(/\/sign-up\/check-email$/);
    }
    // The mail server has the first message's data but has not answered: the send is under way.
    await expect.poll(() => smtp.stalled.length, { timeout: 20_000 }).toBeGreaterThan(0);
    portal.kill();
    await new Promise((resolve) => portal.server.once("exit", resolve));
    expect(outboxRows().some((row) => row.status === "sending")).toBe(true);
    expect(smtp.inbox).toHaveLength(0);

    smtp.stallData = false;
    portal = await startOwnPortal(PORT, DB_FILE, settings, false);
    await expect.poll(() => outboxRows().filter((row) => row.status === "sent").length, { timeout: 45_000 }).toBe(emails.length);
    const rows = outboxRows();
    for (const email of emails) {
      const row = rows.find((r) => r.recipient === email)!;
      const copies = smtp.inbox.filter((m) => m.to.includes(email));
      expect(copies.length, email).toBeGreaterThanOrEqual(1);
      for (const copy of copies) expect(copy.mail.messageId).toBe(row.messageId);
    }
  } finally {
    portal.kill();
    await smtp.close();
  }
});
