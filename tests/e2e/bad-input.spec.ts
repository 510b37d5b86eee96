import { expect, test } from "@playwright/test";
import { enrolledPatient, signInWithPassword, signOut, signUp, submitSignUp, uniqueEmail, waitForMail } from "./helpers";

test("sign-up explains each problem and keeps what was typed", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".field-error").filter({ hasText: "Enter your email address, like name@example.com." })).toBeVisible();
  await expect(page.locator(".field-error").filter({ hasText: "Use at least 8 characters for your password." })).toBeVisible();

  await page.getByLabel("Email address").fill("'; DROP TABLE \"User\"; --");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".field-error").filter({ hasText: "Enter your email address, like name@example.com." })).toBeVisible();
  await expect(page.getByLabel("Email address")).toHaveValue("'; DROP TABLE \"User\"; --");
  await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
});

test("signing up twice with one email says only \"check your email\" and leaves the first account alone", async ({ page }) => {
  const email = uniqueEmail("twice");
  await signUp(page, email);
  await expect(page).toHaveURL(/\/enroll$/);
  await signOut(page);
  await submitSignUp(page, email.toUpperCase(), "another password entirely");
  const tried = await waitForMail(email, "Someone tried to create an account with your address");
  expect(tried.text).toContain("nothing was changed");
  // The original password still opens the original account.
  await signInWithPassword(page, email);
  await expect(page).toHaveURL(/\/enroll$/);
});

test("oversized and odd input gets a message, never a server error", async ({ page }) => {
  const huge = "x".repeat(10 * 1024 * 1024);
  await page.goto("/sign-up");
  await page.getByLabel("Email address").fill("big@example.test");
  await page.getByLabel("Password", { exact: true }).evaluate((el, value) => {
    (el as HTMLInputElement).removeAttribute("maxlength");
    (el as HTMLInputElement).value = value;
  }, huge);
  const refused = page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/sign-up"));
  await page.getByRole("button", { name: "Create account" }).click();
  expect((await refused).status()).toBe(413);
  await expect(page.getByRole("alert").filter({ hasText: "Something went wrong sending that form" })).toBeVisible();

  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill("😀@😀");
  await page.getByLabel("Password", { exact: true }).fill("x");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.locator(".field-error").filter({ hasText: "Enter your email address, like name@example.com." })).toBeVisible();

  // Straight at the NextAuth endpoint, without a challenge, with junk.
  const csrf = await (await page.request.get("/api/auth/csrf")).json();
  for (const code of ["", "abc", "1".repeat(60_000), "' OR 1=1 --", "１２３４５６"]) {
    const response = await page.request.post("/api/auth/callback/totp", {
      form: { code, csrfToken: csrf.csrfToken, json: "true" },
    });
    expect(response.status()).toBeLessThan(500);
    const { url } = await response.json();
    expect(new URL(url).searchParams.get("error")).toBe("challengeExpired");
  }
});

test("a code submitted without the CSRF token is refused", async ({ page }) => {
  await page.goto("/sign-in");
  const response = await page.request.post("/api/auth/callback/totp", { form: { code: "123456", json: "true" } });
  expect(response.status()).toBeLessThan(500);
  const { url } = await response.json();
  expect(url).toContain("csrf=true");
});

test("oversized and cross-site form posts are refused with 4xx before reaching any action", async ({ page }) => {
  await page.goto("/sign-up");
  const big = await page.request.post("/sign-up", {
    headers: { "next-action": "0".repeat(42) },
    multipart: { email: "a@example.test", password: "x".repeat(200_000) },
  });
  expect(big.status()).toBe(413);
  expect(await big.text()).toContain("too large");

  const crossSite = await page.request.post("/sign-up", {
    headers: { "next-action": "0".repeat(42), origin: "https://attacker.example" },
    multipart: { email: "a@example.test", password: "long enough password" },
  });
  expect(crossSite.status()).toBe(403);

  const nullOrigin = await page.request.post("/sign-up", {
    headers: { "next-action": "0".repeat(42), origin: "null" },
    multipart: { email: "a@example.test", password: "long enough password" },
  });
  expect(nullOrigin.status()).toBe(403);
});

test("malformed requests get a 4xx page with a sentence, never a server error", async ({ page }) => {
  await page.goto("/sign-in");
  // NextAuth's client-log endpoint would let anyone write lines into the server log.
  const log = await page.request.post("/api/auth/_log", { form: { level: "error", code: "forged\n[auth] admin signed in" } });
  expect(log.status()).toBe(404);
  expect((await page.request.get("/api/auth/callback/totp")).status()).toBe(404);

  // The sign-in form, posted with something that is not a form, answers like an empty form.
  const notAForm = await page.request.post("/sign-in", { headers: { "content-type": "text/plain;charset=UTF-8" }, data: '["x"]' });
  expect(notAForm.status()).toBe(200);
  expect(await notAForm.text()).toContain("Enter your email address");
  // So does a server action's id posted to the sign-up page with the same body.
  await page.goto("/sign-up");
  const reference = await page.locator('input[name="$ACTION_1:0"]').getAttribute("value");
  const actionId = (JSON.parse(reference ?? "{}") as { id?: string }).id;
  expect(actionId).toBeTruthy();
  const notASignUp = await page.request.post("/sign-up", { headers: { "next-action": actionId!, "content-type": "text/plain;charset=UTF-8" }, data: '["x"]' });
  expect(notASignUp.status()).toBe(200);
  expect(await notASignUp.text()).toContain("Enter your email address");

  // NextAuth's endpoints with a body that is not a form, and paths that do not decode.
  for (const path of ["/api/auth/callback/totp", "/api/auth/signout"]) {
    const json = await page.request.post(path, { headers: { "content-type": "application/json" }, data: "[" });
    expect(json.status(), path).toBe(415);
    expect(await json.text()).toContain("Sign-in answers can only be sent from this portal's own pages");
  }
  for (const path of ["/admin/patients/%ff", "/api/voice/answer/%ff"]) {
    const undecodable = await page.request.get(path, { maxRedirects: 0 });
    expect(undecodable.status(), path).toBe(400);
    expect(await undecodable.text()).toContain("That address is not one of this portal's pages");
  }

  // A plain form post (no JavaScript) from somewhere that is not the portal.
  const foreign = await page.request.post("/sign-in", { headers: { origin: "null" }, multipart: { email: "a@example.test", password: "long enough password" } });
  expect(foreign.status()).toBe(403);
  const html = await foreign.text();
  expect(html).toContain('<html lang="en">');
  expect(html).toContain("Forms can only be sent from this portal's own pages");
});

test("NextAuth's session endpoint reports a signed-out session as ended and does not renew its cookie", async ({ page, browser }) => {
  await enrolledPatient(page);
  const cookies = await page.context().cookies();
  const before = await page.request.get("/api/auth/session");
  expect((await before.json()).user?.id).toBeTruthy();

  await signOut(page);
  const copy = await browser.newContext();
  await copy.addCookies(cookies);
  const after = await copy.request.get(`/api/auth/session`);
  expect(await after.json()).toEqual({});
  const renewed = after.headersArray().filter((h) => h.name.toLowerCase() === "set-cookie" && /session-token=[^;]/.test(h.value));
  expect(renewed).toEqual([]);
  await copy.close();
});

test("a link can put only the sign-in page's own notices on it, never another message or a placeholder", async ({ page }) => {
  for (const notice of ["locked", "phoneResendWait", "__proto__", "somethingWrong"]) {
    await page.goto(`/sign-in?notice=${notice}`);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await expect(page.locator(".notice")).toHaveCount(0);
    await expect(page.locator("main")).not.toContainText("{");
  }
  await page.goto("/sign-in?notice=signedOut");
  await expect(page.locator(".notice")).toHaveCount(1);
});
