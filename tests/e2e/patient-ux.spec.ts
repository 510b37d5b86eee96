import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { PASSWORD, ageStepUps, codeAt, enrolledPatient, enterCode, readSetupKey, signInWithPassword, signOut, signUp, uniqueEmail } from "./helpers";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

test("signed-in devices: each open session with browser, OS and address, signed out one by one or all but this one", async ({ page, browser }) => {
  const patient = await enrolledPatient(page);
  const phone = await browser.newContext({ userAgent: IPHONE });
  const phonePage = await phone.newPage();
  await signInWithPassword(phonePage, patient.email);
  await enterCode(phonePage, codeAt(patient.secret, patient.enrolledAt + 30), "Sign in");
  await expect(phonePage).toHaveURL(/\/home$/);
  const laptop = await browser.newContext();
  const laptopPage = await laptop.newPage();
  await signInWithPassword(laptopPage, patient.email);
  await laptopPage.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await laptopPage.getByLabel("Recovery code").fill(patient.recoveryCodes[0]!);
  await laptopPage.getByRole("button", { name: "Sign in" }).click();
  await expect(laptopPage).toHaveURL(/\/home$/);

  await page.goto("/account/devices");
  const items = page.getByTestId("devices").getByRole("listitem");
  await expect(items).toHaveCount(3);
  await expect(items.filter({ hasText: "(this device)" })).toHaveCount(1);
  const iphone = items.filter({ hasText: "Safari on iPhone" });
  await expect(iphone).toContainText("127.0.0.1");
  await expect(iphone).toContainText(/CST|CDT/);

  await iphone.getByRole("button", { name: /^Sign out/ }).click();
  await expect(page.getByRole("status").filter({ hasText: "That device was signed out." })).toBeVisible();
  await expect(items).toHaveCount(2);
  await phonePage.goto("/home");
  await expect(phonePage).toHaveURL(/\/sign-in$/);

  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Every other device was signed out." })).toBeVisible();
  await expect(items).toHaveCount(1);
  await laptopPage.goto("/home");
  await expect(laptopPage).toHaveURL(/\/sign-in$/);
  await page.goto("/home");
  await expect(page).toHaveURL(/\/home$/);

  // Activity names the device and the clinic's time zone, not UTC.
  await page.goto("/account/activity");
  await expect(page.getByText("America/Chicago")).toBeVisible();
  const signIn = page.getByRole("row").filter({ hasText: "Safari on iPhone" }).first();
  await expect(signIn).toContainText("127.0.0.1");
  await expect(page.getByRole("row").nth(1)).toContainText(/CST|CDT/);
  await expect(page.getByTestId("clinic-phone")).toHaveAttribute("href", "tel:+13125550100");
  await phone.close();
  await laptop.close();
});

test("errors are announced, focus moves to the wrong field, and typed values stay (only a refused code is cleared)", async ({ page }) => {
  const patient = await enrolledPatient(page);
  ageStepUps(patient.email);
  await page.goto("/account/password");
  await expect(page).toHaveURL(/\/account\/confirm/);
  await page.getByLabel("Password", { exact: true }).fill("not my password");
  await page.getByLabel("6-digit code").fill("123456");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "That password isn't right" })).toBeVisible();
  await expect(page.getByLabel("Password", { exact: true })).toBeFocused();
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue("not my password");
  expect(await page.locator("#field-code-hint").innerText()).toContain("St. Mary: Test Clinic");

  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("6-digit code").fill("12");
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "6-digit code" })).toBeVisible();
  await expect(page.getByLabel("6-digit code")).toBeFocused();
  await expect(page.getByLabel("6-digit code")).toHaveValue("");
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue(PASSWORD);

  await page.getByLabel("6-digit code").fill(codeAt(patient.secret, patient.enrolledAt + 30));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "at least 8 characters" })).toBeVisible();
  await expect(page.getByLabel("New password", { exact: true })).toBeFocused();
  await expect(page.getByLabel("New password", { exact: true })).toHaveValue("short");

  // Sign-up keeps the password when only the email is wrong.
  await signOut(page);
  await page.goto("/sign-up");
  await page.getByLabel("Email address").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Enter your email address" })).toBeVisible();
  await expect(page.getByLabel("Email address")).toBeFocused();
  await expect(page.getByLabel("Password", { exact: true })).toHaveValue(PASSWORD);
});

test("an old sign-out notice goes away when a later attempt fails; the code step names the clinic's phone", async ({ page }) => {
  const patient = await enrolledPatient(page);
  await signOut(page);
  await page.getByLabel("Email address").fill(patient.email);
  await page.getByLabel("Password", { exact: true }).fill("wrong password here");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("status").filter({ hasText: "don't match an account" })).toBeVisible();
  await expect(page.getByText("You've signed out.")).toHaveCount(0);
  await expect(page.getByLabel("Email address")).toHaveValue(patient.email);

  await signInWithPassword(page, patient.email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await expect(page.getByLabel("6-digit code")).toBeFocused();
  await expect(page.getByText("Call the clinic on +1 312 555 0100 (Mon–Fri 8:00–17:00)")).toBeVisible();
});

test("recovery codes: the sheet names the clinic, address, account and date; continuing waits for copy, download, print or writing down", async ({ page }) => {
  const email = uniqueEmail("sheet");
  await signUp(page, email);
  const secret = await readSetupKey(page);
  await enterCode(page, codeAt(secret), "Finish setup");
  await expect(page).toHaveURL(/\/account\/recovery-codes$/);
  const codes = await page.getByTestId("recovery-codes").locator("li").allInnerTexts();
  await expect(page.getByRole("button", { name: "I've saved my codes" })).toBeDisabled();
  await expect(page.getByText("Copy, download, print or write down your codes first.")).toBeVisible();

  await page.emulateMedia({ media: "print" });
  const sheet = page.getByTestId("print-header");
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText("St. Mary: Test Clinic");
  await expect(sheet).toContainText(new URL(page.url()).origin);
  await expect(sheet).toContainText(email);
  await expect(sheet).toContainText(/\d{4}, \d{2}:\d{2} (CST|CDT)/);
  await expect(page.getByText("I've saved my codes")).toBeHidden();
  await page.emulateMedia({ media: "screen" });

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download" }).click();
  const text = readFileSync((await (await downloading).path())!, "utf8");
  expect(text).toContain(`Sign in at: ${new URL(page.url()).origin}`);
  expect(text).toContain(`Account: ${email}`);
  expect(text).toContain("St. Mary: Test Clinic");
  for (const code of codes) expect(text).toContain(code);

  await page.getByRole("link", { name: "I've saved my codes" }).click();
  await expect(page).toHaveURL(/\/home$/);
});

test("recovery codes: a patient who writes them down by hand can go on", async ({ page }) => {
  await signUp(page, uniqueEmail("by-hand"));
  await enterCode(page, codeAt(await readSetupKey(page)), "Finish setup");
  await expect(page.getByRole("button", { name: "I've saved my codes" })).toBeDisabled();
  await page.getByRole("button", { name: "I've written them down" }).click();
  await page.getByRole("link", { name: "I've saved my codes" }).click();
  await expect(page).toHaveURL(/\/home$/);
});

test.describe("without JavaScript", () => {
  test("sign out, a new phone with its done notice, and leaving the codes page all work", async ({ page, browser }) => {
    const patient = await enrolledPatient(page);
    const state = await page.context().storageState();
    const context = await browser.newContext({ storageState: state, javaScriptEnabled: false });
    const noJs = await context.newPage();

    await noJs.goto("/account/new-phone");
    const newSecret = await readSetupKey(noJs);
    await noJs.getByLabel("6-digit code").fill("000");
    await noJs.getByRole("button", { name: "Use this phone from now on" }).click();
    await expect(noJs.getByRole("status").filter({ hasText: "6-digit code" })).toBeVisible();
    await noJs.getByLabel("6-digit code").fill(codeAt(newSecret));
    await noJs.getByRole("button", { name: "Use this phone from now on" }).click();
    await expect(noJs).toHaveURL(/\/account\/recovery-codes\?notice=newPhoneDone$/);
    await expect(noJs.getByText("Your authenticator app now works on your new phone.")).toBeVisible();
    await noJs.getByRole("link", { name: "I've saved my codes" }).click();
    await expect(noJs).toHaveURL(/\/home$/);

    await noJs.getByRole("button", { name: "Sign out" }).click();
    await expect(noJs).toHaveURL(/\/sign-in\?notice=signedOut$/);
    await noJs.goto("/home");
    await expect(noJs).toHaveURL(/\/sign-in$/);
    void patient;
    await context.close();
  });
});
