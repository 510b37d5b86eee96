import { existsSync, readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { E2E_DATABASE_FILE, enterCode, queryDb, saveRecoveryCodes, signInWithPassword, signOut, signUp, sqliteTime, uniqueEmail } from "./helpers";
import { uniqueMobile } from "../support/mobile";

/** The newest text or call to a number, as the patient's phone would get it (SMS_PROVIDER=outbox writes it to .outbox/). */
async function newestCode(e164: string, channel: "sms" | "voice"): Promise<string> {
  let file = "";
  await expect
    .poll(() => {
      const [row] = queryDb<{ id: string }>(
        `SELECT "id" FROM "OutboxMessage" WHERE "recipient" = ? AND "channel" = ? AND "status" = 'sent' ORDER BY "createdAt" DESC LIMIT 1`,
        e164,
        channel,
      );
      file = row ? `.outbox/${row.id}.${channel}.txt` : "";
      return file && existsSync(file) ? file : "";
    })
    .not.toBe("");
  const text = readFileSync(file, "utf8");
  expect(text).toContain(`To: ${e164}`);
  const digits = channel === "sms" ? text.match(/\n(\d{6}) is your/)![1]! : text.match(/code is: ((?:\d\. ){5}\d)/)![1]!.replace(/\D/g, "");
  return digits;
}

/** Stands in for the 30-second cooldown passing. */
function endCooldown(email: string) {
  const db = new Database(E2E_DATABASE_FILE);
  try {
    db.prepare(`UPDATE "PhoneCode" SET "createdAt" = ? WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = ?)`).run(sqliteTime(Date.now() - 60_000), email);
  } finally {
    db.close();
  }
}

/** Sign-up, then "No smartphone?": the number gets a code by text, and that code finishes setup. */
async function phonePatient(page: Page) {
  const email = uniqueEmail("phone");
  const number = uniqueMobile();
  await signUp(page, email);
  await page.getByRole("link", { name: "No smartphone? Get codes by text message or a phone call." }).click();
  await expect(page).toHaveURL(/\/enroll\/phone$/);
  await expect(page.getByText("An authenticator app is safer")).toBeVisible();
  await page.getByLabel("Phone number").fill(number.typed);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByTestId("phone-notice")).toHaveText(`We've sent a code by text message to your phone ending ${number.last}. It works for 5 minutes.`);
  const code = await newestCode(number.e164, "sms");
  await enterCode(page, code, "Finish setup");
  await saveRecoveryCodes(page);
  await signOut(page);
  return { email, number, setupCode: code };
}

test("a patient without a smartphone sets up a phone and signs in with a texted code; a used code never works again", async ({ page }) => {
  const { email, number, setupCode } = await phonePatient(page);

  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await expect(page.getByText(`the 6-digit code we sent to your phone ending ${number.last}`)).toBeVisible();
  // The resend cooldown is visible and the buttons wait for it.
  await expect(page.getByTestId("resend-cooldown")).toContainText(/You can ask for another code in \d+ seconds/);
  await expect(page.getByRole("button", { name: "Call me instead" })).toBeDisabled();
  const code = await newestCode(number.e164, "sms");
  // The setup code, already used, opens nothing.
  if (setupCode !== code) {
    await enterCode(page, setupCode, "Sign in");
    await expect(page.getByRole("status").filter({ hasText: "That code didn't work" })).toBeVisible();
  }
  await enterCode(page, code, "Sign in");
  await expect(page).toHaveURL(/\/$|\/home$/);
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
  await signOut(page);

  // The same code at the next sign-in is refused.
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  const fresh = await newestCode(number.e164, "sms");
  if (fresh !== code) {
    await enterCode(page, code, "Sign in");
    await expect(page.getByRole("status").filter({ hasText: "That code didn't work" })).toBeVisible();
    await expect(page).toHaveURL(/\/sign-in\/code$/);
  }
});

test("call me instead: a phone call reads the code, and it signs the patient in", async ({ page }) => {
  const { email, number } = await phonePatient(page);
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  endCooldown(email);
  await page.reload();
  await page.getByRole("button", { name: "Call me instead" }).click();
  await expect(page.getByTestId("phone-notice")).toHaveText(`We're calling your phone ending ${number.last}. The call reads your code twice.`);
  // Asking again at once is refused with the wait, and nothing else is sent.
  await expect(page.getByTestId("resend-cooldown")).toContainText(/another code in \d+ seconds/);
  const code = await newestCode(number.e164, "voice");
  await enterCode(page, code, "Sign in");
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
});

test("wrong texted codes lock the account like wrong app codes", async ({ page }) => {
  const { email, number } = await phonePatient(page);
  await signInWithPassword(page, email);
  const code = await newestCode(number.e164, "sms");
  const wrong = code === "111111" ? "222222" : "111111";
  for (let i = 0; i < 9; i++) {
    await enterCode(page, wrong, "Sign in");
    // A refused code is cleared from the field: the answer to this attempt has come.
    await expect(page.getByLabel("6-digit code")).toHaveValue("");
    await expect(page.getByRole("status").filter({ hasText: "That code didn't work" })).toBeVisible();
  }
  await enterCode(page, wrong, "Sign in");
  await expect(page.getByRole("status").filter({ hasText: "Too many wrong attempts" })).toBeVisible();
  await enterCode(page, code, "Sign in");
  await expect(page.getByRole("status").filter({ hasText: "Too many wrong attempts" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\/code$/);
});

test("a refused number is explained at its field, which takes the focus and keeps what was typed; once a code is sent, typing it comes first", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 568 });
  await signUp(page, uniqueEmail("phone-typo"));
  await page.getByRole("link", { name: "No smartphone? Get codes by text message or a phone call." }).click();
  await expect(page).toHaveURL(/\/enroll\/phone$/);
  await page.getByLabel("Phone number").fill("07400 12");
  await page.getByRole("button", { name: "Text me a code" }).click();
  const field = page.getByLabel("Phone number");
  await expect(page.getByTestId("phone-problem")).toContainText("That doesn't look like a whole phone number");
  await expect(field).toBeFocused();
  // With script the router lands at the top of the page: the field is brought back into view.
  await expect(field).toBeInViewport();
  await expect(page.getByTestId("phone-problem")).toBeInViewport();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveAccessibleDescription(/whole phone number/);
  // What was typed stays, to correct rather than type again (it never goes into the URL).
  await expect(field).toHaveValue("07400 12");
  expect(page.url()).not.toContain("07400");

  const number = uniqueMobile();
  await field.fill(number.typed);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByTestId("phone-notice")).toContainText(`ending ${number.last}`);
  const code = page.getByRole("heading", { name: `Enter the code we sent to your phone ending ${number.last}` });
  const other = page.getByLabel("Use another phone number");
  expect((await code.boundingBox())!.y).toBeLessThan((await other.boundingBox())!.y);
  await expect(other).toHaveValue("");
});
