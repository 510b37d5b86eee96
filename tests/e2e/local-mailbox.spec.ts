import { rmSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { PASSWORD, startOwnPortal, uniqueEmail } from "./helpers";

// A portal as a fresh clone runs it: `next start` on this machine with no mail server configured.
const PORT = Number(process.env.E2E_PORT ?? 3100) + 4;

test("without a mail server, a local portal writes .eml files, prints one line each, and lists them at /dev/mailbox", async ({ page }) => {
  const portal = await startOwnPortal(PORT, ".tmp/e2e-local-mail.db", {});
  const written: string[] = [];
  try {
    const email = uniqueEmail("local");
    await page.goto(`${portal.base}/sign-up`);
    await page.getByLabel("Email address").fill(email);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/sign-up\/check-email$/);

    await expect.poll(() => portal.output).toContain(`Confirm your email address → ${email}: .outbox/`);
    const line = portal.output.split("\n").find((l) => l.includes(email))!;
    written.push(line.slice(line.lastIndexOf(" ") + 1).trim());
    expect(line).not.toContain("token=");

    // A page elsewhere whose hostname was rebound to 127.0.0.1 reaches the portal with its own name.
    const rebound = await page.request.get(`${portal.base}/dev/mailbox`, { headers: { host: "rebinding.example.test:" + PORT } });
    expect(rebound.status()).toBe(404);
    expect(await rebound.text()).not.toContain(email);

    await page.goto(`${portal.base}/dev/mailbox`);
    const mail = page.getByRole("article").filter({ hasText: email });
    await expect(mail.getByRole("heading", { name: "Confirm your email address" })).toBeVisible();
    await mail.getByRole("link", { name: /\/confirm-email\?token=/ }).click();
    await page.getByRole("button", { name: "Confirm and continue" }).click();
    await expect(page).toHaveURL(/\/enroll$/);
  } finally {
    portal.kill();
    for (const file of written) rmSync(path.resolve(file), { force: true });
  }
});
