import { expect, test } from "@playwright/test";
import { PASSWORD, codeAt, decodeQr, enrolledPatient, enterCode, readSetupKey, saveRecoveryCodes, signInWithPassword, signOut, signUp, uniqueEmail } from "./helpers";

test("a patient signs up, scans the QR code, enrolls, signs out and signs in with password and code", async ({ page }) => {
  const email = uniqueEmail("journey");
  await signUp(page, email, PASSWORD, "Zoë O'Neil");
  await expect(page).toHaveURL(/\/enroll$/);
  await expect(page.getByRole("heading", { name: "Set up your authenticator app" })).toBeVisible();

  // The key as printed, and the QR code as a phone camera reads it, describe the same account.
  const secret = await readSetupKey(page);
  const uri = decodeQr(await page.locator(".qr img").screenshot());
  const parsed = new URL(uri);
  expect(parsed.protocol).toBe("otpauth:");
  expect(parsed.host).toBe("totp");
  expect(decodeURIComponent(parsed.pathname)).toBe(`/St. Mary Test Clinic:${email}`);
  expect(parsed.searchParams.get("secret")).toBe(secret);
  expect(parsed.searchParams.get("issuer")).toBe("St. Mary Test Clinic");
  // On phones the same URI opens the authenticator app directly (shown there; see phone.spec.ts).
  await expect(page.locator("a.app-link")).toHaveAttribute("href", uri);

  // Reloading keeps the key the patient may already have scanned.
  await page.reload();
  expect(await readSetupKey(page)).toBe(secret);

  // A wrong code is explained, and nothing is switched on.
  const valid = [-1, 0, 1].map((o) => codeAt(secret, Date.now() / 1000 + o * 30));
  const wrong = ["000000", "111111", "222222"].find((c) => !valid.includes(c))!;
  await enterCode(page, wrong, "Finish setup");
  await expect(page.getByRole("status").filter({ hasText: "That code didn't work" })).toBeVisible();
  await expect(page).toHaveURL(/\/enroll$/);

  const enrolledAt = Date.now() / 1000;
  const enrollCode = codeAt(secret, enrolledAt);
  await enterCode(page, enrollCode, "Finish setup");
  await saveRecoveryCodes(page);
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
  await expect(page.getByText("Welcome, Zoë O'Neil")).toBeVisible();
  expect(await page.content()).not.toContain(secret);

  await signOut(page);
  await page.goto("/home");
  await expect(page).toHaveURL(/\/sign-in$/);

  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/sign-in\/code$/);
  // The code used to enroll counts as used.
  await enterCode(page, enrollCode, "Sign in");
  await expect(page.getByRole("status").filter({ hasText: "That code was already used" })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in\/code$/);

  // The next code, pasted with a space in the middle, lets the patient in.
  const next = codeAt(secret, enrolledAt + 30);
  await enterCode(page, `${next.slice(0, 3)} ${next.slice(3)}`, "Sign in");
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);
});

test("one code used from two browsers at the same instant signs in only one of them", async ({ page, browser }) => {
  const { email, secret, enrolledAt } = await enrolledPatient(page);
  await signOut(page);

  // Two separate browsers, each past the password step with its own challenge.
  const other = await browser.newContext();
  const pages = [page, await other.newPage()];
  for (const p of pages) {
    await signInWithPassword(p, email);
    await expect(p).toHaveURL(/\/sign-in\/code$/);
  }

  const code = codeAt(secret, enrolledAt + 30);
  const submit = (p: typeof page) =>
    p.evaluate(async (code) => {
      const { csrfToken } = await (await fetch("/api/auth/csrf")).json();
      const body = new URLSearchParams({ code, csrfToken, json: "true" });
      const { url } = await (await fetch("/api/auth/callback/totp", { method: "POST", body })).json();
      return new URL(url).searchParams.get("error") ?? "ok";
    }, code);
  const outcomes = await Promise.all(pages.map(submit));
  expect(outcomes.sort()).toEqual(["codeUsed", "ok"]);

  const signedIn = [];
  for (const p of pages) {
    await p.goto("/home");
    signedIn.push(/\/home$/.test(p.url()));
  }
  expect(signedIn.filter(Boolean)).toHaveLength(1);
  await other.close();
});

test("a wrong password and an unknown email get the same answer", async ({ page }) => {
  const { email } = await enrolledPatient(page);
  await signOut(page);

  const answers: string[] = [];
  for (const [who, password] of [
    [email, "not the password"],
    [uniqueEmail("nobody"), PASSWORD],
  ] as const) {
    await signInWithPassword(page, who, password);
    const alert = page.getByRole("status").filter({ hasText: /\S/ });
    await expect(alert).toBeVisible();
    answers.push(await alert.innerText());
    await expect(page).toHaveURL(/\/sign-in$/);
  }
  expect(answers[0]).toBe(answers[1]);
  expect(answers[0]).toContain("don't match an account");
});
