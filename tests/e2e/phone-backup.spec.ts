import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { ageStepUps, codeAt, E2E_DATABASE_FILE, enrolledPatient, enterCode, expectAccessible, queryDb, signInWithPassword, signOut, waitForMail } from "./helpers";
import { uniqueMobile } from "../support/mobile";

// Many pages, axe twice on some: longer than the default.
test.describe.configure({ timeout: 240_000 });

async function fitsWidth(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
}

/** The newest message of a kind to a number once delivered, as the phone would get it (SMS_PROVIDER=outbox writes .outbox/<id>.<channel>.txt). */
async function newestMessage(e164: string, channel: "sms" | "voice", kind = "phone-code"): Promise<{ id: string; text: string }> {
  let found = { id: "", file: "" };
  await expect
    .poll(() => {
      const [row] = queryDb<{ id: string }>(
        `SELECT "id" FROM "OutboxMessage" WHERE "recipient" = ? AND "channel" = ? AND "kind" = ? AND "status" = 'sent' ORDER BY "createdAt" DESC LIMIT 1`,
        e164,
        channel,
        kind,
      );
      found = row ? { id: row.id, file: `.outbox/${row.id}.${channel}.txt` } : { id: "", file: "" };
      return found.file && existsSync(found.file) ? found.file : "";
    })
    .not.toBe("");
  return { id: found.id, text: readFileSync(found.file, "utf8") };
}

async function newestCode(e164: string, channel: "sms" | "voice"): Promise<string> {
  const { text } = await newestMessage(e164, channel);
  return channel === "sms" ? text.match(/\n(\d{6}) is your/)![1]! : text.match(/code is: ((?:\d\. ){5}\d)/)![1]!.replace(/\D/g, "");
}

const codesSentTo = (e164: string) => queryDb<{ n: number }>(`SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE "recipient" = ? AND "kind" = 'phone-code'`, e164)[0]!.n;

/**
 * Stands in for the send budgets' windows passing (3 texts per account and per number per 15
 * minutes, 10 per address per hour: every browser test comes from 127.0.0.1). Browser tests run
 * one at a time, so no other test is counting meanwhile.
 */
function forgetSendBudgets() {
  const db = new Database(E2E_DATABASE_FILE);
  try {
    db.prepare(`DELETE FROM "RateLimit" WHERE "key" LIKE 'phone-send:%'`).run();
  } finally {
    db.close();
  }
}

/**
 * The provider refused the text for good (a 4xx: tests/phone-backup.test.ts drives that through
 * the real Twilio SDK). The portal here writes texts to .outbox/, which never fails, so the
 * delivered row is marked the way the outbox worker marks a refused one.
 */
function markFailed(outboxId: string) {
  const db = new Database(E2E_DATABASE_FILE);
  try {
    db.prepare(`UPDATE "OutboxMessage" SET "status" = 'failed', "lastError" = 'PermanentDeliveryError: Twilio 400 (error 21211)' WHERE "id" = ?`).run(outboxId);
  } finally {
    db.close();
  }
}

/** Step-up with the password and one of the saved recovery codes (the app's code is kept for signing in). */
async function confirmWithRecoveryCode(page: Page, recoveryCode: string) {
  await expect(page).toHaveURL(/\/account\/confirm\?next=%2Faccount%2Fphone/);
  await page.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await page.getByLabel("Password", { exact: true }).fill("blue kettle on the hill");
  await page.getByLabel("Recovery code").fill(recoveryCode);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account\/phone$/);
}

/** From the signed-in home page: add a number as a backup, confirmed by the code texted to it. */
async function addBackupPhone(page: Page, email: string, recoveryCode: string, axe = false) {
  ageStepUps(email);
  await page.goto("/home");
  await page.getByRole("link", { name: "Add a phone for codes by text or call (backup)" }).click();
  await confirmWithRecoveryCode(page, recoveryCode);
  await expect(page.getByText("An authenticator app is safer")).toContainText("can be intercepted or redirected");
  if (axe) await expectAccessible(page, "phone settings, no phone");
  const number = uniqueMobile();
  await page.getByLabel("Phone number").fill(number.typed);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByTestId("phone-notice")).toHaveText(`We've sent a code by text message to your phone ending ${number.last}. It works for 5 minutes.`);
  if (axe) await expectAccessible(page, "phone settings, waiting for the code");
  await enterCode(page, await newestCode(number.e164, "sms"), "Confirm this number");
  await expect(page.getByTestId("phone-done")).toContainText("Your phone is confirmed as a backup");
  return number;
}

test("an app patient adds a backup phone, signs in with the app or a texted code, changes the number and removes it", async ({ page }) => {
  const patient = await enrolledPatient(page);
  const { email, secret } = patient;
  const number = await addBackupPhone(page, email, patient.recoveryCodes[0]!, true);
  await expectAccessible(page, "phone settings, phone confirmed");
  expect((await waitForMail(email, "A phone was added for sign-in codes")).text).toContain(`A phone ending ${number.last} was confirmed`);
  await signOut(page);

  // The app stays the default: its code is asked for first, and nothing is texted unasked.
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await expect(page.getByText(`the 6-digit code from your authenticator app, or one we send to your phone ending ${number.last}`)).toBeVisible();
  await expect(page.getByRole("button", { name: "Text me a code instead" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Call me instead" })).toBeVisible();
  // Nothing was sent yet, so nothing asks whether it arrived.
  await expect(page.getByText("Didn't get it?")).toHaveCount(0);
  expect(codesSentTo(number.e164)).toBe(1);
  await enterCode(page, codeAt(secret, patient.enrolledAt + 30), "Sign in");
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
  expect(codesSentTo(number.e164)).toBe(1);
  await signOut(page);

  // "Text me a code instead".
  await signInWithPassword(page, email);
  await page.getByRole("button", { name: "Text me a code instead" }).click();
  await expect(page.getByTestId("phone-notice")).toContainText(`We've sent a code by text message to your phone ending ${number.last}`);
  // The page now speaks of the text: the field's hint, and a button to send another.
  await expect(page.getByText("The 6 digits from our text message or call")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send a new code by text" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Text me a code instead" })).toHaveCount(0);
  await expectAccessible(page, "code step, text sent");
  await enterCode(page, await newestCode(number.e164, "sms"), "Sign in");
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
  await signOut(page);

  // A text the provider refuses for good turns into the offer of a call, shown on the next load.
  forgetSendBudgets();
  await signInWithPassword(page, email);
  await page.getByRole("button", { name: "Text me a code instead" }).click();
  await expect(page.getByTestId("phone-notice")).toContainText(`ending ${number.last}`);
  markFailed((await newestMessage(number.e164, "sms")).id);
  await page.reload();
  await expect(page.getByTestId("phone-failed")).toHaveText("We couldn't deliver the text. We can call you instead.");
  await expect(page.getByRole("button", { name: "Call me instead" })).toBeEnabled();
  await expectAccessible(page, "code step, text failed");
  await page.getByRole("button", { name: "Call me instead" }).click();
  await expect(page.getByTestId("phone-notice")).toContainText(`We're calling your phone ending ${number.last}`);
  await enterCode(page, await newestCode(number.e164, "voice"), "Sign in");
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
  await expect(page.getByRole("link", { name: `Phone for codes (ending ${number.last})` })).toBeVisible();

  // Changing the number: step-up by a texted code this time.
  forgetSendBudgets();
  ageStepUps(email);
  await page.getByRole("link", { name: `Phone for codes (ending ${number.last})` }).click();
  await expect(page).toHaveURL(/\/account\/confirm\?next=%2Faccount%2Fphone/);
  await page.getByRole("button", { name: "Text me a code instead" }).click();
  await expect(page.getByTestId("phone-notice")).toContainText(`your phone ending ${number.last}`);
  await page.getByLabel("Password", { exact: true }).fill("blue kettle on the hill");
  await page.getByLabel("6-digit code").fill(await newestCode(number.e164, "sms"));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account\/phone$/);

  // The number in use is refused at the field, which is left empty for a different one.
  await page.getByLabel("New phone number").fill(number.typed);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByTestId("phone-problem")).toContainText("That's the number we already send codes to.");
  await expect(page.getByLabel("New phone number")).toHaveValue("");

  const fresh = uniqueMobile();
  await page.getByLabel("New phone number").fill(fresh.typed);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByLabel("New phone number")).toHaveValue("");
  await expect(page.getByText(`Until you enter it, codes still go to your phone ending ${number.last}.`)).toBeVisible();
  const wrong = (await newestCode(fresh.e164, "sms")) === "000000" ? "111111" : "000000";
  await enterCode(page, wrong, "Confirm this number");
  await expect(page.getByTestId("phone-problem")).toContainText("That code didn't work");
  await expectAccessible(page, "phone settings, wrong code for a new number");
  await enterCode(page, await newestCode(fresh.e164, "sms"), "Confirm this number");
  await expect(page.getByTestId("phone-done")).toContainText("Your new number is confirmed");

  const toOld = await newestMessage(number.e164, "sms", "phone-notice");
  expect(toOld.text).toContain(`Your number for St. Mary: Test Clinic sign-in codes was changed to a phone ending ${fresh.last}. If this wasn't you, call the clinic on +1 312 555 0100.`);
  expect(toOld.text).not.toContain(fresh.e164.slice(3));
  expect(toOld.text.replace(`To: ${number.e164}`, "")).not.toMatch(/\d{6}/);
  expect((await waitForMail(email, "Your number for sign-in codes was changed")).text).toContain(`ending ${fresh.last}`);
  await page.goto("/account/activity");
  await expect(page.getByText("Phone number for sign-in codes changed").first()).toBeVisible();

  // Removing it (the step-up above is still fresh): the app remains.
  await page.goto("/account/phone");
  await page.getByRole("button", { name: "Remove this phone" }).click();
  await expect(page.getByTestId("phone-done")).toHaveText("Your phone was removed. We no longer send codes to it.");
  expect((await newestMessage(fresh.e164, "sms", "phone-notice")).text).toContain("sign-in codes was removed");
  await waitForMail(email, "Your phone was removed from sign-in codes");
  await page.goto("/home");
  await expect(page.getByRole("link", { name: "Add a phone for codes by text or call (backup)" })).toBeVisible();
});

test.describe("without JavaScript on a 320 px screen", () => {
  test.use({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });

  test("a text that fails for good is followed by the offer of a call, whose code signs the patient in", async ({ page }) => {
    const patient = await enrolledPatient(page);
    const number = await addBackupPhone(page, patient.email, patient.recoveryCodes[0]!);
    await fitsWidth(page);
    await signOut(page);

    forgetSendBudgets();
    await signInWithPassword(page, patient.email);
    await page.getByRole("button", { name: "Text me a code instead" }).click();
    await expect(page.getByTestId("phone-notice")).toContainText(`ending ${number.last}`);
    markFailed((await newestMessage(number.e164, "sms")).id);
    await page.goto("/sign-in/code");
    await expect(page.getByTestId("phone-failed")).toHaveText("We couldn't deliver the text. We can call you instead.");
    await fitsWidth(page);
    await page.getByRole("button", { name: "Call me instead" }).click();
    await expect(page.getByTestId("phone-notice")).toContainText(`We're calling your phone ending ${number.last}`);
    await enterCode(page, await newestCode(number.e164, "voice"), "Sign in");
    await expect(page.getByTestId("signed-in-email")).toHaveText(patient.email);
  });

  test("a phone-only patient's phone cannot be removed, and they confirm it's them with a texted code", async ({ page }) => {
    const patient = await enrolledPatient(page);
    const number = await addBackupPhone(page, patient.email, patient.recoveryCodes[0]!);
    // Only the phone left: the app is taken away the way a reset would, minus the phone.
    const db = new Database(E2E_DATABASE_FILE);
    try {
      db.prepare(`UPDATE "User" SET "totpSecret" = NULL, "totpLastStep" = NULL WHERE "email" = ?`).run(patient.email);
    } finally {
      db.close();
    }
    await page.goto("/account/phone");
    await page.getByRole("button", { name: "Remove this phone" }).click();
    await expect(page.getByTestId("phone-problem")).toContainText("Your phone is the only second step on your account, so it can't be removed");
    // Without an app, the page points to one rather than speaking of it as theirs.
    await expect(page.getByRole("link", { name: "set up an authenticator app" })).toHaveAttribute("href", "/account/new-phone");
    await expect(page.getByText("Your usual way of signing in stays")).toHaveCount(0);
    await fitsWidth(page);

    forgetSendBudgets();
    ageStepUps(patient.email);
    await page.goto("/account/phone");
    await expect(page).toHaveURL(/\/account\/confirm\?next=%2Faccount%2Fphone/);
    await expect(page.getByText(`a code we send to your phone ending ${number.last}`)).toBeVisible();
    await page.getByRole("button", { name: "Text me a code" }).click();
    await expect(page.getByTestId("phone-notice")).toContainText(`ending ${number.last}`);
    await fitsWidth(page);
    await page.getByLabel("Password", { exact: true }).fill("blue kettle on the hill");
    await page.getByLabel("6-digit code").fill(await newestCode(number.e164, "sms"));
    await page.getByRole("button", { name: "Confirm" }).click();
    await expect(page).toHaveURL(/\/account\/phone$/);
  });
});
