import { expect, test } from "@playwright/test";
import { PASSWORD, ageStepUps, codeAt, enrolledPatient, enterCode, queryDb, readSetupKey, runAdminCli, saveRecoveryCodes, signInWithPassword, signOut, wrongCode } from "./helpers";

test("a patient who lost their phone signs in with a recovery code, is told how many remain, and moves to a new phone", async ({ page }) => {
  const { email, secret, enrolledAt, recoveryCodes } = await enrolledPatient(page);
  await signOut(page);

  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await page.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!.toUpperCase());
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByTestId("recovery-notice")).toContainText("You have 9 recovery codes left");

  // Sign-in a moment ago counts as confirming it's you: straight to the new phone's key.
  await page.getByRole("link", { name: "Set up a new phone" }).first().click();
  await expect(page).toHaveURL(/\/account\/new-phone$/);
  const newSecret = await readSetupKey(page);
  expect(newSecret).not.toBe(secret);

  // Until the new phone is confirmed, the old one keeps working (checked from a second browser).
  const other = await page.context().browser()!.newContext();
  const otherPage = await other.newPage();
  await signInWithPassword(otherPage, email);
  await enterCode(otherPage, codeAt(secret, enrolledAt + 30), "Sign in");
  await expect(otherPage).toHaveURL(/\/home$/);

  await page.getByLabel("6-digit code").fill(codeAt(newSecret));
  await page.getByRole("button", { name: "Use this phone from now on" }).click();
  const newCodes = await saveRecoveryCodes(page);
  expect(newCodes).not.toContain(recoveryCodes[1]);

  // The other browser was signed out; the old phone and old recovery codes no longer work.
  await otherPage.goto("/home");
  await expect(otherPage).toHaveURL(/\/sign-in$/);
  await signInWithPassword(otherPage, email);
  // The old phone's current code is recognised as the old key's, not answered with the clock hint.
  await enterCode(otherPage, codeAt(secret), "Sign in");
  await expect(otherPage.getByRole("status").filter({ hasText: /comes from an old key that no longer works/ })).toBeVisible();
  await otherPage.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await otherPage.getByLabel("Recovery code").fill(recoveryCodes[1]!);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage.getByRole("status").filter({ hasText: "That recovery code didn't work" })).toBeVisible();
  await other.close();

  await page.goto("/account/activity");
  for (const label of ["Signed in with a recovery code", "Authenticator moved to a new phone", "Signed out on other devices", "Wrong code entered"]) {
    await expect(page.getByRole("cell", { name: label }).first()).toBeVisible();
  }
});

test("ten wrong codes pause sign-in and the patient is told when to try again", async ({ page }) => {
  const { email, secret } = await enrolledPatient(page);
  await signOut(page);
  await signInWithPassword(page, email);
  const wrong = wrongCode(secret);
  const status = page.getByRole("status").filter({ hasText: /\S/ });
  for (let i = 0; i < 9; i++) {
    await enterCode(page, wrong, "Sign in");
    // The form empties itself once the answer is in.
    await expect(page.getByLabel("6-digit code")).toHaveValue("");
    await expect(status).toContainText("That code didn't work");
  }
  await enterCode(page, wrong, "Sign in");
  await expect(status).toContainText("sign-in is paused. Please try again in 1 minute");
  // The right code is refused too while paused.
  await enterCode(page, codeAt(secret, Date.now() / 1000 + 30), "Sign in");
  await expect(status).toContainText("sign-in is paused");
});

test("once paused, every code post gets the pause as its answer, with or without script, and counts nothing; an unlock ends it", async ({ page }) => {
  const { email, secret } = await enrolledPatient(page);
  await signOut(page);
  await signInWithPassword(page, email);
  const wrong = wrongCode(secret);
  const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const post = (code: string, json: boolean) =>
    page.request.post("/api/auth/callback/totp", { form: { code, csrfToken, ...(json ? { json: "true" } : {}) }, maxRedirects: 0 });

  for (let i = 0; i < 9; i++) await post(wrong, true);
  // The tenth locks the account: NextAuth's own answer to that refusal.
  const tenth = await post(wrong, true);
  expect(tenth.status()).toBe(401);
  const answer = ((await tenth.json()) as { url: string }).url;
  expect(new URL(answer).searchParams.get("error")).toBe("locked:1");
  // Right or wrong code, as next-auth/react sends it or as the plain form does: the same answer,
  // from the app or from a server process's memory of its refusal (lib/refusal-memo.mjs).
  for (let i = 0; i < 20; i++) {
    const code = i % 2 ? wrong : codeAt(secret, Date.now() / 1000 + 30);
    const asScript = await post(code, true);
    expect(asScript.status()).toBe(401);
    expect(await asScript.json()).toEqual({ url: answer });
    const asForm = await post(code, false);
    expect(asForm.status()).toBe(302);
    expect(asForm.headers()["location"]).toBe(answer);
  }
  const lastRefusal = Date.now();
  const events = queryDb<{ type: string; n: number }>(
    `SELECT e.type, COUNT(*) AS n FROM "SecurityEvent" e JOIN "User" u ON u.id = e.userId WHERE u.email = ? AND e.type IN ('code-wrong', 'lockout') GROUP BY e.type ORDER BY e.type`,
    email,
  );
  expect(events).toEqual([{ type: "code-wrong", n: 10 }, { type: "lockout", n: 1 }]);

  // The plain form's redirect lands on the code step, which says why.
  await page.goto(answer);
  await expect(page.getByRole("status").filter({ hasText: /\S/ })).toContainText("sign-in is paused");

  // Unlocked by the clinic from the console (another process): a second after the last refusal at
  // most, the right code works, also on this page whose address still says `?error=locked`.
  expect(runAdminCli(["unlock", "--email", email]).code).toBe(0);
  await page.waitForTimeout(Math.max(0, lastRefusal + 1000 - Date.now()));
  await enterCode(page, codeAt(secret, Date.now() / 1000 + 30), "Sign in");
  await expect(page).toHaveURL(/\/home$/);
});

test("changing the password needs the password and a code again, and signs out other devices", async ({ page, browser }) => {
  const { email, secret, enrolledAt, recoveryCodes } = await enrolledPatient(page);
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signInWithPassword(otherPage, email);
  await enterCode(otherPage, codeAt(secret, enrolledAt + 30), "Sign in");
  await expect(otherPage).toHaveURL(/\/home$/);

  // A sign-in a moment ago counts as confirming it's you.
  await otherPage.goto("/account/password");
  await expect(otherPage).toHaveURL(/\/account\/password$/);

  // Some time later it no longer does.
  ageStepUps(email);
  await page.goto("/account/password");
  await expect(page).toHaveURL(/\/account\/confirm\?next=%2Faccount%2Fpassword$/);
  await page.getByLabel("Password", { exact: true }).fill("not it");
  await page.getByRole("link", { name: "Lost your phone? Use a recovery code" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page.locator(".field-error").filter({ hasText: "That password isn't right" })).toBeVisible();
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]!);
  await page.getByRole("button", { name: "Confirm" }).click();
  await expect(page).toHaveURL(/\/account\/password$/);
  await page.getByLabel("New password", { exact: true }).fill("an entirely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/home\?notice=passwordChanged$/);
  await expect(page.getByText("Your password was changed")).toBeVisible();

  await otherPage.goto("/home");
  await expect(otherPage).toHaveURL(/\/sign-in$/);
  await signInWithPassword(otherPage, email, PASSWORD);
  await expect(otherPage.getByText("don't match an account")).toBeVisible();
  await signInWithPassword(otherPage, email, "an entirely new passphrase");
  await expect(otherPage).toHaveURL(/\/sign-in\/code$/);
  await other.close();
});

test("every page carries a nonce CSP without unsafe-eval, HSTS, and the pages raise no CSP violations", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const response = await page.goto("/sign-in");
  const csp = response!.headers()["content-security-policy"]!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
  expect(csp).not.toContain("unsafe-eval");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(response!.headers()["strict-transport-security"]).toContain("max-age=");
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const second = (await page.request.get("/sign-in")).headers()["content-security-policy"]!;
  expect(second).not.toContain(nonce!);

  await enrolledPatient(page);
  await page.goto("/account/activity");
  await page.goto("/account/recovery-codes");
  expect(violations).toEqual([]);
});
