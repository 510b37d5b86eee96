import { expect, test } from "@playwright/test";
import { codeAt, enrolledPatient, readSetupKey, saveRecoveryCodes, signInWithPassword, signOut, signUp, uniqueEmail } from "./helpers";

test("a visitor who is not signed in is sent to sign-in from every private page", async ({ page }) => {
  for (const path of ["/", "/home", "/enroll", "/sign-in/code"]) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/sign-in(\?|$)/);
  }
});

test("an account that has not finished enrollment reaches nothing but enrollment and sign-out", async ({ page }) => {
  await signUp(page, uniqueEmail("unenrolled"));
  await expect(page).toHaveURL(/\/enroll$/);
  await page.goto("/home");
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/sign-in/code");
  await expect(page).toHaveURL(/\/enroll$/);
  const session = await (await page.request.get("/api/auth/session")).json();
  expect(session).toEqual({});
  await signOut(page);
  await page.goto("/enroll");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("signing in again before enrolling shows the same key, and a new key can be requested", async ({ page }) => {
  const email = uniqueEmail("returning");
  await signUp(page, email);
  const first = await readSetupKey(page);
  await signOut(page);

  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/enroll$/);
  expect(await readSetupKey(page)).toBe(first);

  await page.getByRole("button", { name: "Get a new key" }).click();
  await expect(page).toHaveURL(/\/enroll\?new=1$/);
  const second = await readSetupKey(page);
  expect(second).not.toBe(first);
  await page.getByLabel("6-digit code").fill(codeAt(second));
  await page.getByRole("button", { name: "Finish setup" }).click();
  await saveRecoveryCodes(page);
});

test("pages that show a key or take a code are not cached, framed or referred", async ({ page }) => {
  await signUp(page, uniqueEmail("headers"));
  const response = await page.goto("/enroll");
  const headers = response!.headers();
  expect(headers["cache-control"]).toContain("no-store");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["referrer-policy"]).toBe("same-origin");
});

test("the session and challenge cookies are HttpOnly and SameSite", async ({ page, context }) => {
  await enrolledPatient(page);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  expect(cookies.find((c) => c.name.includes("clinic.challenge"))).toBeUndefined();

  await signOut(page);
  const email = uniqueEmail("cookie");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/enroll$/);
  const challenge = (await context.cookies()).find((c) => c.name.includes("clinic.challenge"));
  expect(challenge?.httpOnly).toBe(true);
  expect(challenge?.sameSite).toBe("Lax");
});

test("an enrolled patient who signs in again goes to the code step, not enrollment", async ({ page }) => {
  const { email } = await enrolledPatient(page);
  await signOut(page);
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  await page.goto("/enroll");
  await expect(page).toHaveURL(/\/sign-in/);
});
