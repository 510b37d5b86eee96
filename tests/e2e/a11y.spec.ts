import { expect, test, type Page } from "@playwright/test";
import { ageStepUps, codeAt, enrolledAdmin, enrolledPatient, enterCode, expectAccessible, readSetupKey, signInWithPassword, signOut, signUp, uniqueEmail, wrongCode } from "./helpers";

// Each test walks many pages and runs axe twice on each (light and dark): minutes, not seconds.
test.describe.configure({ timeout: 240_000 });

test("every patient page and state passes axe (WCAG 2.2 AA) in light and dark mode", async ({ page, browser }) => {
  await page.goto("/sign-up");
  await expectAccessible(page, "sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "sign-up with errors");

  await page.goto("/sign-in");
  await expectAccessible(page, "sign-in");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "sign-in with errors");

  await page.goto("/no-such-page");
  await expectAccessible(page, "not found");

  const email = uniqueEmail("axe");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/enroll$/);
  await expectAccessible(page, "enrollment");
  await enterCode(page, "12", "Finish setup");
  await expect(page.locator(".alert")).not.toBeEmpty();
  await expectAccessible(page, "enrollment with a wrong code");
  const secret = await readSetupKey(page);
  await enterCode(page, codeAt(secret), "Finish setup");
  await expect(page).toHaveURL(/\/account\/recovery-codes$/);
  await expect(page.getByRole("button", { name: "I've saved my codes" })).toBeDisabled();
  await expectAccessible(page, "first recovery codes, not yet saved");
  await page.getByRole("button", { name: "Download" }).click();
  await page.getByRole("link", { name: "I've saved my codes" }).click();
  await expect(page).toHaveURL(/\/home$/);
  await signOut(page);

  const patient = await enrolledPatient(page);
  await expectAccessible(page, "home");
  for (const path of ["/account/activity", "/account/recovery-codes", "/account/devices"]) {
    await page.goto(path);
    await expectAccessible(page, path);
  }
  // A second device, signed in with a recovery code: the devices list with a Sign out for it.
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInWithPassword(otherPage, patient.email);
  await otherPage.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await otherPage.getByLabel("Recovery code").fill(patient.recoveryCodes[0]!);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage.getByTestId("recovery-notice")).toBeVisible();
  await expectAccessible(otherPage, "home after a recovery code");
  await other.close();
  await page.goto("/account/devices");
  await expect(page.getByTestId("devices").getByRole("listitem")).toHaveCount(2);
  await expectAccessible(page, "devices, two signed in");
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Every other device was signed out." })).toBeVisible();
  await expectAccessible(page, "devices, others signed out");

  ageStepUps(patient.email);
  await page.goto("/account/password");
  await expect(page).toHaveURL(/\/account\/confirm/);
  await expectAccessible(page, "confirm");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "confirm with errors");
  await page.getByLabel("Password", { exact: true }).fill("blue kettle on the hill");
  await page.getByLabel("6-digit code").fill(codeAt(patient.secret, patient.enrolledAt + 30));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await expectAccessible(page, "change password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "change password with errors");

  await page.goto("/account/new-phone");
  await expectAccessible(page, "new phone");
  await enterCode(page, wrongCode(patient.secret), "Use this phone from now on");
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "new phone with a wrong code");

  await page.goto("/account/recovery-codes");
  await page.getByRole("button", { name: "Create a new set of codes" }).click();
  await expect(page.getByTestId("recovery-codes")).toBeVisible();
  await expectAccessible(page, "new recovery codes");

  await signOut(page);
  await expectAccessible(page, "signed out");
  await signInWithPassword(page, patient.email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await expectAccessible(page, "code step");
  await enterCode(page, wrongCode(patient.secret), "Sign in");
  await expect(page.locator(".alert")).not.toBeEmpty();
  await expectAccessible(page, "code step with a wrong code");
});

test("every admin page and state passes axe (WCAG 2.2 AA) in light and dark mode", async ({ page, browser }) => {
  const admin = await enrolledAdmin(page);
  const context = await browser.newContext();
  const patient = await enrolledPatient(await context.newPage(), uniqueEmail("axe-patient"));
  await context.close();

  await page.goto("/admin");
  await expectAccessible(page, "admin patients");
  await page.goto(`/admin?q=${encodeURIComponent(patient.email)}`);
  await page.getByRole("link", { name: patient.email }).click();
  await expect(page).toHaveURL(/\/admin\/patients\//);
  await expectAccessible(page, "admin patient");
  await page.getByRole("link", { name: "Reset two-step sign-in…" }).click();
  await expect(page.getByRole("heading", { name: /^Reset two-step sign-in for/ })).toBeVisible();
  await expectAccessible(page, "admin reset confirmation");
  await page.getByRole("button", { name: /^Yes, reset/ }).click();
  await expect(page.locator("[aria-invalid=true]").first()).toBeVisible();
  await expectAccessible(page, "admin reset with errors");
  await page.getByLabel("Internal note (audit log only)").fill("ID checked at the desk");
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: /^Yes, reset/ }).click();
  await expect(page.getByText("Two-step sign-in was reset")).toBeVisible();
  await expectAccessible(page, "admin patient after a reset");
  const again = await browser.newContext();
  const patientPage = await again.newPage();
  await signInWithPassword(patientPage, patient.email);
  await expect(patientPage.getByTestId("reset-notice")).toBeVisible();
  await expectAccessible(patientPage, "setup again, with the clinic's reset notice");
  await again.close();
  await page.goto("/admin/audit");
  await expectAccessible(page, "audit log");
});
