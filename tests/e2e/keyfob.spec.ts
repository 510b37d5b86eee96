import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { codeAt, enrolledAdmin, expectAccessible, queryDb, saveRecoveryCodes, signInWithPassword, signOut, signUp, uniqueEmail } from "./helpers";

/** What the keyfob shows at its n-th press, computed by oathtool, not by the app's code. */
const press = (hex: string, counter: number) => execFileSync("oathtool", ["--hotp", "-c", String(counter), hex], { encoding: "utf8" }).trim();

test("an admin imports a keyfob and assigns it; the patient signs in with it, a code works once, 20 unused presses resynchronise", async ({ page, browser }) => {
  const admin = await enrolledAdmin(page);
  const serial = `FOB-${randomUUID().slice(0, 8).toUpperCase()}`;
  const hex = randomBytes(20).toString("hex");

  // A file with a bad line imports nothing and says which line, without echoing the secret.
  await page.goto("/admin/tokens");
  await page.getByLabel("Vendor file (CSV or PSKC)").setInputFiles({
    name: "tokens.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(`serial,secret,digits\n${serial},${hex},6\n${serial}-2,${hex.slice(0, 8)},6\n`),
  });
  await page.getByRole("button", { name: "Import keyfobs" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Nothing was imported. Line 3: the secret is too short" })).toBeVisible();
  expect(await page.content()).not.toContain(hex.slice(0, 8));
  await expectAccessible(page, "keyfob import with errors");
  expect(queryDb(`SELECT serial FROM "HardwareToken" WHERE serial = ?`, serial)).toHaveLength(0);

  await page.getByLabel("Vendor file (CSV or PSKC)").setInputFiles({ name: "tokens.csv", mimeType: "text/csv", buffer: Buffer.from(`serial,secret,digits\n${serial},${hex},6\n`) });
  await page.getByRole("button", { name: "Import keyfobs" }).click();
  await expect(page.getByText("Imported 1 keyfob.")).toBeVisible();
  await expect(page.getByTestId("token-list").getByRole("row").filter({ hasText: serial })).toContainText("free");
  await expectAccessible(page, "keyfob list");
  const [stored] = queryDb<{ secret: string }>(`SELECT secret FROM "HardwareToken" WHERE serial = ?`, serial);
  expect(stored!.secret).not.toContain(hex);

  // A patient without a smartphone signs up, and leaves at the app setup page.
  const patientContext = await browser.newContext();
  const patientPage = await patientContext.newPage();
  const email = uniqueEmail("keyfob");
  await signUp(patientPage, email);
  await expect(patientPage).toHaveURL(/\/enroll$/);
  await signOut(patientPage);

  // The admin assigns the keyfob from the patient's page, confirming with their own code.
  await page.goto(`/admin?q=${encodeURIComponent(email)}`);
  await page.getByRole("link", { name: email }).click();
  await page.getByRole("link", { name: "Assign a keyfob…" }).click();
  await expectAccessible(page, "keyfob assignment");
  await page.getByLabel("Keyfob serial number").fill(serial.toLowerCase());
  await page.getByLabel("Internal note (audit log only)").fill("No smartphone; ID checked at reception");
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: "Assign keyfob" }).click();
  await expect(page.getByText("The keyfob was assigned.")).toBeVisible();
  await expect(page.getByTestId("patient-keyfob")).toContainText("waiting for its first code");
  await expectAccessible(page, "patient with a keyfob");

  // The patient's next sign-in asks for the keyfob's code; the first press proves it.
  await signInWithPassword(patientPage, email);
  await expect(patientPage).toHaveURL(/\/sign-in\/code$/);
  await expect(patientPage.getByText("press your keyfob's button once")).toBeVisible();
  await patientPage.getByLabel("6-digit code").fill(press(hex, 0));
  await patientPage.getByRole("button", { name: "Sign in" }).click();
  await saveRecoveryCodes(patientPage);
  await signOut(patientPage);

  // The same code again is refused, in plain words; the next press works.
  await signInWithPassword(patientPage, email);
  await patientPage.getByLabel("6-digit code").fill(press(hex, 0));
  await patientPage.getByRole("button", { name: "Sign in" }).click();
  await expect(patientPage.getByText("That code was already used. Press the button on your keyfob once")).toBeVisible();
  await patientPage.getByLabel("6-digit code").fill(press(hex, 1));
  await patientPage.getByRole("button", { name: "Sign in" }).click();
  await expect(patientPage).toHaveURL(/\/home$/);
  await signOut(patientPage);

  // 20 presses in a pocket: the code is beyond the look-ahead, so the patient is asked to press again.
  await signInWithPassword(patientPage, email);
  await patientPage.getByLabel("6-digit code").fill(press(hex, 22));
  await patientPage.getByRole("button", { name: "Sign in" }).click();
  await expect(patientPage.getByText("Press its button once more and type that new code too")).toBeVisible();
  await patientPage.getByLabel("6-digit code").fill(press(hex, 23));
  await patientPage.getByRole("button", { name: "Sign in" }).click();
  await expect(patientPage).toHaveURL(/\/home$/);
  await patientContext.close();

  await page.reload();
  await expect(page.getByTestId("patient-keyfob")).toContainText("in use since");
  await page.goto(`/admin/audit?patient=${encodeURIComponent(email)}`);
  await expect(page.getByTestId("audit-log")).toContainText("Assigned a keyfob");
});
