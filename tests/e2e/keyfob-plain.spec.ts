import { randomBytes, randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { codeAt, enrolledAdmin, queryDb, signOut, signUp, uniqueEmail } from "./helpers";

// JavaScript off on a 320 px phone: the keyfob forms are plain form posts and nothing scrolls sideways.
const plain = { javaScriptEnabled: false, viewport: { width: 320, height: 640 } };

const sideways = (page: import("@playwright/test").Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test("keyfobs are imported (pasted), assigned and marked lost with JavaScript off, at 320 px", async ({ page: setupPage, browser }) => {
  // Setting up the admin's own app uses the ordinary pages; the keyfob work happens without scripts.
  const admin = await enrolledAdmin(setupPage);
  const adminContext = await browser.newContext({ ...plain, storageState: await setupPage.context().storageState() });
  const page = await adminContext.newPage();
  const serial = `NJ-${randomUUID().slice(0, 8).toUpperCase()}`;

  await page.goto("/admin/tokens");
  expect(await sideways(page)).toBe(0);
  await page.getByLabel("…or paste its contents").fill(`${serial},${randomBytes(20).toString("hex")},6`);
  await page.getByRole("button", { name: "Import keyfobs" }).click();
  await expect(page.getByText("Imported 1 keyfob.")).toBeVisible();
  // An empty import is a clear message, not an error page.
  await page.getByRole("button", { name: "Import keyfobs" }).click();
  await expect(page.locator("#field-file-error")).toHaveText("Choose the vendor's CSV or PSKC file, or paste its contents.");

  const patientContext = await browser.newContext(plain);
  const patientPage = await patientContext.newPage();
  const email = uniqueEmail("nojs-fob");
  await signUp(patientPage, email);
  await signOut(patientPage);
  await patientContext.close();
  const [patient] = queryDb<{ id: string }>(`SELECT id FROM "User" WHERE email = ?`, email);

  await page.goto(`/admin/patients/${patient!.id}?keyfob=1#keyfob`);
  expect(await sideways(page)).toBe(0);
  await page.getByLabel("Keyfob serial number").fill(serial);
  await page.getByLabel("Internal note (audit log only)").fill("No smartphone; ID checked at reception");
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: "Assign keyfob" }).click();
  await expect(page.getByText("The keyfob was assigned.")).toBeVisible();
  expect(await sideways(page)).toBe(0);

  await page.getByLabel("Lost or stolen: its codes never work again").check();
  await page.getByLabel("Internal note (audit log only)").fill("Patient phoned: lost on the bus");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("The keyfob was marked lost; its codes no longer work.")).toBeVisible();
  expect(queryDb<{ state: string; userId: string | null }>(`SELECT state, userId FROM "HardwareToken" WHERE serial = ?`, serial)).toEqual([{ state: "lost", userId: null }]);
  await adminContext.close();
});
