import { expect, test } from "@playwright/test";
import { codeAt, enrolledAdmin, enrolledPatient, enterCode, signInWithPassword, waitForMail } from "./helpers";

test("an admin emails a reset link or prints a one-time sheet (step-up, reason, audit) and sees each message's delivery", async ({ page, browser }) => {
  const admin = await enrolledAdmin(page);
  const patientContext = await browser.newContext();
  const patientPage = await patientContext.newPage();
  const patient = await enrolledPatient(patientPage);
  await patientContext.close();

  await page.goto("/admin");
  await page.getByRole("searchbox").fill(patient.email);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: patient.email }).click();
  await expect(page).toHaveURL(/\/admin\/patients\/[^/?]+$/);
  const patientUrl = page.url();
  await page.getByRole("link", { name: "Help with their password" }).click();
  await page.getByRole("link", { name: "Email them a reset link" }).click();

  await page.getByRole("button", { name: "Email a reset link" }).click();
  await expect(page.getByText(/at least 5 characters/).first()).toBeVisible();
  await page.getByLabel("Reason (kept in the audit log)").fill("Forgot password; ID checked at the desk");
  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Email a reset link" }).click();
  await expect(page.locator(".field-error").filter({ hasText: /code/i })).toBeVisible();
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: "Email a reset link" }).click();
  await expect(page.getByText("A password reset link is on its way")).toBeVisible();

  const mail = await waitForMail(patient.email, "Reset your password");
  expect(mail.text).toContain("The clinic's staff sent you this link");
  await page.reload();
  await expect(page.getByTestId("patient-messages").getByRole("row").filter({ hasText: "Reset your password" })).toContainText("sent");

  // The printed sheet, for a patient without email: shown once, works once.
  await page.goto(`${patientUrl}/password?how=sheet`);
  await page.getByLabel("Reason (kept in the audit log)").fill("No email access; ID checked at the desk");
  // The admin's next code would need the next 30 s step; a recovery code proves it just as well.
  await page.getByLabel("6-digit code").fill(admin.recoveryCodes[0]!.replace(/-/g, ""));
  await page.getByRole("button", { name: "Make a setup sheet" }).click();
  const link = (await page.getByTestId("setup-sheet-link").innerText()).trim();
  expect(new URL(link).pathname).toBe("/reset-password");

  const desk = await browser.newContext();
  const deskPage = await desk.newPage();
  await deskPage.goto(link);
  await deskPage.getByLabel("New password", { exact: true }).fill("chosen at the front desk");
  await deskPage.getByRole("button", { name: "Set new password" }).click();
  await expect(deskPage).toHaveURL(/passwordResetDone/);
  // The sheet's link works once.
  await deskPage.goto(link);
  await expect(deskPage.getByText("This link has expired or was already used.")).toBeVisible();
  await signInWithPassword(deskPage, patient.email, "chosen at the front desk");
  await expect(deskPage).toHaveURL(/\/sign-in\/code$/);
  await enterCode(deskPage, codeAt(patient.secret, patient.enrolledAt + 30), "Sign in");
  await expect(deskPage).toHaveURL(/\/home$/);
  await desk.close();

  await page.goto(`/admin/audit?patient=${encodeURIComponent(patient.email)}`);
  const log = page.getByTestId("audit-log");
  await expect(log).toContainText("Sent a password reset link");
  await expect(log).toContainText("Forgot password; ID checked at the desk");
  await expect(log).toContainText("Printed a one-time setup sheet");
  await expect(log).toContainText("No email access; ID checked at the desk");
});
