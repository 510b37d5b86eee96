import { expect, test } from "@playwright/test";
import {
  ageStepUps,
  codeAt,
  enrolledAdmin,
  enrolledPatient,
  enterCode,
  PASSWORD,
  readSetupKey,
  saveRecoveryCodes,
  signInWithPassword,
  signOut,
  signUp,
  uniqueEmail,
  wrongCode,
} from "./helpers";

// A slow phone, a quick tap before the scripts load, or JavaScript turned off: every form is a
// plain HTML form post and must work the same.
test.use({ javaScriptEnabled: false });

test("a patient signs up, sets up, signs out and in, and changes settings with JavaScript off", async ({ page }) => {
  const email = uniqueEmail("nojs");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/enroll$/);

  // Get a new key. (No "Copy key" button: it needs script.)
  await expect(page.getByRole("button", { name: "Copy key" })).toHaveCount(0);
  const first = await readSetupKey(page);
  await page.getByRole("button", { name: "Get a new key" }).click();
  await expect(page).toHaveURL(/\/enroll\?new=1$/);
  const secret = await readSetupKey(page);
  expect(secret).not.toBe(first);

  // A wrong code comes back to the same page with the message; the right one finishes setup.
  await enterCode(page, wrongCode(secret), "Finish setup");
  await expect(page).toHaveURL(/\/enroll\?error=codeWrong$/);
  await expect(page.getByRole("status").filter({ hasText: "That code didn't work" })).toBeVisible();
  // The page reloads at its top; the field with the reason comes into view on its own.
  await expect(page.getByLabel("6-digit code")).toBeFocused();
  await expect(page.getByLabel("6-digit code")).toBeInViewport();
  await enterCode(page, codeAt(secret), "Finish setup");
  // No button that needs script: the page says how to keep the codes without it.
  await expect(page.getByTestId("keep-codes-by-hand")).toBeVisible();
  for (const name of ["Copy codes", "Download", "Print"]) await expect(page.getByRole("button", { name })).toHaveCount(0);
  const recoveryCodes = await saveRecoveryCodes(page);

  await signOut(page);

  // Sign in with a recovery code, switching the field without JavaScript.
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await page.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  // A mistyped recovery code comes back to the recovery field, with the reason.
  await page.getByLabel("Recovery code").fill("AAAA-BBBB-CCCC");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in\/code\?error=recoveryWrong$/);
  await expect(page.getByRole("status").filter({ hasText: "That recovery code didn't work" })).toBeVisible();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/home$/);

  // Confirm it's you, then change the password.
  ageStepUps(email);
  await page.goto("/account/password");
  await expect(page).toHaveURL(/\/account\/confirm/);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("6-digit code").fill(codeAt(secret, Date.now() / 1000 + 30));
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password was changed")).toBeVisible();

  // A new set of recovery codes, then a new phone.
  await page.goto("/account/recovery-codes");
  await page.getByRole("button", { name: /new (set of )?codes/i }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);

  await page.goto("/account/new-phone");
  const newSecret = await readSetupKey(page);
  await enterCode(page, codeAt(newSecret), "Use this phone from now on");
  await expect(page).toHaveURL(/\/account\/recovery-codes\?notice=newPhoneDone$/);

  await page.goto("/home");
  await signOut(page);
});

test("a wrong code at sign-in says so on the code page, and the right one signs in", async ({ page, browser }) => {
  const jsContext = await browser.newContext({ javaScriptEnabled: true });
  const setup = await jsContext.newPage();
  const email = uniqueEmail("nojs-code");
  await signUp(setup, email);
  const secret = await readSetupKey(setup);
  await enterCode(setup, codeAt(secret), "Finish setup");
  await saveRecoveryCodes(setup);
  await jsContext.close();

  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await enterCode(page, wrongCode(secret), "Sign in");
  await expect(page).toHaveURL(/\/sign-in\/code\?error=codeWrong$/);
  await expect(page.getByText("That code didn't work")).toBeVisible();
  await enterCode(page, codeAt(secret, Date.now() / 1000 + 30), "Sign in");
  await expect(page).toHaveURL(/\/home$/);
});

test("an admin searches, resets a patient and filters the audit log with JavaScript off", async ({ page, browser }) => {
  const jsContext = await browser.newContext({ javaScriptEnabled: true });
  const patient = await enrolledPatient(await jsContext.newPage(), uniqueEmail("nojs-patient"));
  await jsContext.close();

  const admin = await enrolledAdmin(page);
  await page.goto("/admin");
  await page.getByRole("searchbox").fill(patient.email);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: patient.email }).click();
  await expect(page).toHaveURL(/\/admin\/patients\//);
  await page.getByRole("link", { name: "Reset two-step sign-in…" }).click();
  await page.getByLabel("Internal note (audit log only)").fill("Lost phone; identity checked at the desk");
  await page.getByLabel("6-digit code").fill(codeAt(admin.secret, admin.enrolledAt + 30));
  await page.getByRole("button", { name: `Yes, reset ${patient.email}` }).click();
  await expect(page.getByText("Two-step sign-in was reset")).toBeVisible();

  await page.goto("/admin/audit");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByRole("table")).toContainText(patient.email);
});

test("a refused phone number is explained at its field and stays there to correct, for that patient only", async ({ page }) => {
  await signUp(page, uniqueEmail("nojs-phone"));
  await page.getByRole("link", { name: "No smartphone? Get codes by text message or a phone call." }).click();
  await page.getByLabel("Phone number").fill("07400 12");
  await page.getByRole("button", { name: "Text me a code" }).click();
  await expect(page.getByTestId("phone-problem")).toContainText("That doesn't look like a whole phone number");
  await expect(page.getByLabel("Phone number")).toHaveValue("07400 12");
  const refusedAt = page.url();
  expect(refusedAt).not.toContain("07400");

  // The next patient on the same browser (a clinic kiosk) never sees it, even at the same address.
  expect((await page.context().cookies()).filter((c) => c.name.includes("phone-typed")).map((c) => c.path)).toEqual(["/enroll/phone"]);
  await page.getByRole("button", { name: "Cancel and sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signedOut$/);
  expect((await page.context().cookies()).filter((c) => c.name.includes("phone-typed"))).toEqual([]);
  await signUp(page, uniqueEmail("nojs-phone-next"));
  await page.goto(refusedAt);
  await expect(page.getByTestId("phone-problem")).toContainText("That doesn't look like a whole phone number");
  await expect(page.getByLabel("Phone number")).toHaveValue("");
});
