import { rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { codeAt, enterCode, readSetupKey, saveRecoveryCodes, signInWithPassword, signOut, startOwnPortal, submitSignUp, uniqueEmail, wrongCode } from "./helpers";

// A portal of its own in one server process, so the test knows which process remembers a refusal.
const PORT = Number(process.env.E2E_PORT ?? 3100) + 5;
const DB_FILE = ".tmp/e2e-locked-replay.db";

test("the server process answers a locked challenge from memory for at most a second: an unlock made elsewhere shows after it", async ({ browser }) => {
  const portal = await startOwnPortal(PORT, DB_FILE, {});
  const written: string[] = [];
  const context = await browser.newContext({ baseURL: portal.base });
  try {
    const page = await context.newPage();
    const email = uniqueEmail("replay");
    await submitSignUp(page, email);
    await expect.poll(() => portal.output).toContain(`Confirm your email address → ${email}: .outbox/`);
    const line = portal.output.split("\n").find((l) => l.includes(email))!;
    written.push(line.slice(line.lastIndexOf(" ") + 1).trim());
    await page.goto("/dev/mailbox");
    await page.getByRole("article").filter({ hasText: email }).getByRole("link", { name: /\/confirm-email\?token=/ }).click();
    await page.getByRole("button", { name: "Confirm and continue" }).click();
    const secret = await readSetupKey(page);
    await enterCode(page, codeAt(secret), "Finish setup");
    await saveRecoveryCodes(page);
    await signOut(page);
    await signInWithPassword(page, email);

    const wrong = wrongCode(secret);
    const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const post = (code: string, json = true) => page.request.post("/api/auth/callback/totp", { form: { code, csrfToken, ...(json ? { json: "true" } : {}) }, maxRedirects: 0 });
    for (let i = 0; i < 9; i++) await post(wrong);
    const sentTenth = Date.now();
    // The tenth wrong code locks the account: NextAuth's own answer to the refusal.
    const tenth = await post(wrong);
    // The server remembered the refusal between these two moments, for a second from then.
    const answeredTenth = Date.now();
    expect(tenth.status()).toBe(401);
    const { url: answer } = (await tenth.json()) as { url: string };
    expect(new URL(answer).searchParams.get("error")).toBe("locked:1");

    // The lock ends in the database, as an unlock by another process (the admin console) ends it.
    const db = new Database(path.resolve(DB_FILE));
    db.prepare(`DELETE FROM "RateLimit" WHERE "key" = 'code:account:' || (SELECT "id" FROM "User" WHERE "email" = ?)`).run(email);
    db.close();

    // Within the second, this process still answers from memory: the right code gets the pause,
    // with script and without, exactly as NextAuth answered.
    const right = codeAt(secret, Date.now() / 1000 + 30);
    const remembered = await post(right);
    const plain = await post(right, false);
    expect(Date.now() - sentTenth, "both posts came within the second").toBeLessThan(1000);
    expect(remembered.status()).toBe(401);
    expect(await remembered.json()).toEqual({ url: answer });
    expect(plain.status()).toBe(302);
    expect(plain.headers()["location"]).toBe(answer);
    expect(plain.headers()["x-frame-options"]).toBe("DENY");

    // After it, the app answers again: the same right code signs in.
    await page.waitForTimeout(Math.max(0, answeredTenth + 1000 - Date.now()));
    const signedIn = await post(right);
    expect(signedIn.status()).toBe(200);
    expect(new URL(((await signedIn.json()) as { url: string }).url).searchParams.get("error")).toBeNull();
    await page.goto("/home");
    await expect(page).toHaveURL(/\/home$/);
  } finally {
    await context.close();
    portal.kill();
    for (const file of written) rmSync(path.resolve(file), { force: true });
  }
});
