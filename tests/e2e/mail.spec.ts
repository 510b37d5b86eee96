import { expect, test } from "@playwright/test";
import { PASSWORD, codeAt, confirmEmailFromMail, enrolledPatient, enterCode, linkInMail, mailTo, signInWithPassword, signOut, submitSignUp, uniqueEmail, waitForMail } from "./helpers";

const NEW_PASSWORD = "a new and longer passphrase";

test("forgot password: the same answer for any email, a link by mail, a new password, and the code step still required", async ({ page }) => {
  const { email, secret, enrolledAt } = await enrolledPatient(page);
  const setUp = await waitForMail(email, "Two-step sign-in is set up");
  expect(setUp.text).not.toContain(secret);
  await signOut(page);

  const answers: string[] = [];
  for (const who of [uniqueEmail("nobody"), email]) {
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page).toHaveURL(/\/forgot-password$/);
    await page.getByLabel("Email address").fill(who);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await expect(page).toHaveURL(/\/forgot-password\?sent=1$/);
    answers.push(await page.locator("main").innerText());
  }
  expect(answers[0]).toBe(answers[1]);

  const mail = await waitForMail(email, "Reset your password");
  await page.goto(linkInMail(mail, "/reset-password"));
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=passwordResetDone$/);

  // The link works once.
  await page.goto(linkInMail(mail, "/reset-password"));
  await expect(page.getByText("This link has expired or was already used.")).toBeVisible();

  await signInWithPassword(page, email, PASSWORD);
  await expect(page.getByRole("alert").or(page.getByRole("status")).first()).toContainText("don't match");
  await signInWithPassword(page, email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await enterCode(page, codeAt(secret, enrolledAt + 30), "Sign in");
  await expect(page).toHaveURL(/\/home$/);
  expect((await waitForMail(email, "Your password was reset")).text).toContain("You still need your sign-in code");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });

  test("asking for a reset link and using it fit a 320 px screen, and a bad password changes nothing", async ({ page, browser, baseURL }) => {
    const { email } = await test.step("an enrolled patient", async () => {
      const other = await browser.newContext({ baseURL });
      const setup = await other.newPage();
      const patient = await enrolledPatient(setup);
      await other.close();
      return patient;
    });
    await page.goto("/forgot-password");
    await page.getByLabel("Email address").fill(email);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await expect(page.getByText("If an account uses that email address")).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

    await page.goto(linkInMail(await waitForMail(email, "Reset your password"), "/reset-password"));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await page.getByLabel("New password", { exact: true }).fill("short");
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page.getByText("Use at least 8 characters")).toBeVisible();
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set new password" }).click();
    await expect(page).toHaveURL(/\/sign-in\?notice=passwordResetDone$/);
  });
});

test("the local mailbox page does not exist when a mail server is configured", async ({ page }) => {
  const response = await page.goto("/dev/mailbox");
  expect(response?.status()).toBe(404);
});

test("a reset link is not handed to anyone who merely knows the email", async ({ page }) => {
  const email = uniqueEmail("victim");
  await page.goto("/forgot-password");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page).toHaveURL(/sent=1$/);
  expect(await mailTo(email)).toHaveLength(0);
  const body = await page.content();
  expect(body).not.toContain("token=");
});

test("sign-up answers \"check your email\" for new and taken addresses alike; an unconfirmed account cannot sign in", async ({ page }) => {
  const { email } = await enrolledPatient(page);
  await signOut(page);
  const fresh = uniqueEmail("fresh");
  const answers: string[] = [];
  for (const who of [fresh, email]) {
    await submitSignUp(page, who);
    answers.push(await page.locator("main").innerText());
  }
  expect(answers[0]).toBe(answers[1]);
  await waitForMail(email, "Someone tried to create an account with your address");
  const first = await waitForMail(fresh, "Confirm your email address");

  await signInWithPassword(page, fresh);
  await expect(page.getByText("Please confirm your email address first")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect.poll(async () => (await mailTo(fresh)).filter((m) => m.subject === "Confirm your email address").length).toBe(2);

  // The newer link replaced the first one.
  await page.goto(linkInMail(first, "/confirm-email"));
  await expect(page.getByText("This confirmation link has expired or was already used.")).toBeVisible();
  await confirmEmailFromMail(page, fresh);
  await expect(page).toHaveURL(/\/enroll$/);
});

test("signing up again before confirming saves no new password: the mailbox's owner chooses it from a link, then sets up the app", async ({ page }) => {
  const email = uniqueEmail("pending");
  await submitSignUp(page, email);
  const first = await waitForMail(email, "Confirm your email address");
  await submitSignUp(page, email, "someone else's password");
  const choose = await waitForMail(email, "Choose your password to finish creating your account");

  // The earlier link no longer works, and neither password typed at sign-up opens the account (or mails a link).
  await page.goto(linkInMail(first, "/confirm-email"));
  await expect(page.getByText("This confirmation link has expired or was already used.")).toContainText("If you signed up more than once, open the newest email we sent you.");
  await expect(page.getByRole("link", { name: "Forgot your password?" })).toBeVisible();
  for (const password of ["someone else's password", PASSWORD]) {
    await signInWithPassword(page, email, password);
    await expect(page.getByRole("alert").or(page.getByRole("status")).first()).toContainText("don't match");
  }
  expect((await mailTo(email)).map((m) => m.subject)).toEqual(["Confirm your email address", "Choose your password to finish creating your account"]);

  await page.goto(linkInMail(choose, "/reset-password"));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Choose your password");
  await expect(page).toHaveTitle(/^Choose your password/);
  await page.getByLabel("Password", { exact: true }).fill("the password I chose");
  await page.getByRole("button", { name: "Save my password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=passwordChosen$/);
  await expect(page.getByRole("status")).toContainText("Your password is set and your email address is confirmed.");
  await signInWithPassword(page, email, "the password I chose");
  await expect(page).toHaveURL(/\/enroll$/);
});
