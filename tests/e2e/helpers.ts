import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import Database from "better-sqlite3";
import { expect, type Page } from "@playwright/test";
import { simpleParser, type ParsedMail } from "mailparser";
import { migrateDatabase } from "../../scripts/migrate";

export const PASSWORD = "blue kettle on the hill";
export const E2E_DATABASE_FILE = ".tmp/e2e.db";
/** Where scripts/e2e-server.ts's SMTP server puts each message it receives. */
export const E2E_MAIL_DIR = ".tmp/e2e-mail";

const parsedMail = new Map<string, ParsedMail>();

/** Every message the test SMTP server received for `to`, oldest first. */
export async function mailTo(to: string): Promise<ParsedMail[]> {
  const out: ParsedMail[] = [];
  for (const name of readdirSync(E2E_MAIL_DIR).sort()) {
    let mail = parsedMail.get(name);
    if (!mail) {
      mail = await simpleParser(readFileSync(path.join(E2E_MAIL_DIR, name)));
      parsedMail.set(name, mail);
    }
    const recipients = [mail.to].flat().flatMap((a) => a?.value.map((v) => v.address) ?? []);
    if (recipients.includes(to)) out.push(mail);
  }
  return out;
}

/** Waits for the newest message to `to` with `subject` to arrive (the portal sends from its outbox in the background). */
export async function waitForMail(to: string, subject: string): Promise<ParsedMail> {
  let found: ParsedMail | undefined;
  await expect
    .poll(async () => {
      found = (await mailTo(to)).filter((m) => m.subject === subject).at(-1);
      return Boolean(found);
    }, { timeout: 20_000, message: `email "${subject}" to ${to}` })
    .toBe(true);
  return found!;
}

/** The link in a message's text that leads to `pathname` on the portal, as a patient would click it. */
export function linkInMail(mail: ParsedMail, pathname: string): string {
  const link = (mail.text ?? "").split(/\s+/).find((word) => word.startsWith("http") && new URL(word).pathname === pathname);
  if (!link) throw new Error(`no ${pathname} link in "${mail.subject}"`);
  return link;
}

export function uniqueEmail(prefix = "patient"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.test`;
}

/** The code a patient's authenticator shows, computed by oathtool, not by the app's code. */
export function codeAt(secret: string, epochSeconds = Date.now() / 1000): string {
  return execFileSync("oathtool", ["--totp", "-b", "-N", `@${Math.floor(epochSeconds)}`, secret], { encoding: "utf8" }).trim();
}

/** A 6-digit string that is not a code of `secret` anywhere near now (a clock up to 12 steps off either way). */
export function wrongCode(secret: string): string {
  const near = Array.from({ length: 25 }, (_, i) => codeAt(secret, Date.now() / 1000 + (i - 12) * 30));
  return ["000000", "111111", "222222", "333333", "123456", "999999"].find((c) => !near.includes(c))!;
}

/** Decodes a PNG screenshot the way a phone's camera would, with zbar. */
export function decodeQr(png: Buffer): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "qr-")), "qr.png");
  writeFileSync(file, png);
  return execFileSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
}

/** Fills in and sends the sign-up form; every sign-up ends at "check your email". */
export async function submitSignUp(page: Page, email: string, password = PASSWORD, name = "") {
  await page.goto("/sign-up");
  await page.getByLabel("Email address").fill(email);
  if (name) await page.getByLabel("Your name (optional)").fill(name);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/sign-up\/check-email$/);
}

/** Opens the newest confirmation link mailed to `email` and confirms: the browser lands on authenticator setup. */
export async function confirmEmailFromMail(page: Page, email: string) {
  const mail = await waitForMail(email, "Confirm your email address");
  await page.goto(linkInMail(mail, "/confirm-email"));
  await page.getByRole("button", { name: "Confirm and continue" }).click();
}

/** Sign-up as a patient does it: the form, then the link out of the confirmation email. */
export async function signUp(page: Page, email: string, password = PASSWORD, name = "") {
  await submitSignUp(page, email, password, name);
  await confirmEmailFromMail(page, email);
}

/** Reads the setup key off the enrollment page as a patient would type it. */
export async function readSetupKey(page: Page): Promise<string> {
  const grouped = await page.getByTestId("setup-key").innerText();
  expect(grouped).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
  return grouped.replace(/\s/g, "");
}

export async function enterCode(page: Page, code: string, button: string) {
  await page.getByLabel("6-digit code").fill(code);
  await page.getByRole("button", { name: button }).click();
}

/** After a (re-)enrollment: the one-time list of recovery codes, downloaded, then on to the landing page. */
/**
 * Whether the page runs scripts (a context may turn JavaScript off). With scripting on, the HTML
 * parser treats a <noscript> element's content as text; with it off, as elements.
 */
export async function scriptingEnabled(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const probe = document.createElement("noscript");
    probe.innerHTML = "<b></b>";
    return probe.childElementCount === 0;
  });
}

export async function saveRecoveryCodes(page: Page): Promise<string[]> {
  await expect(page).toHaveURL(/\/account\/recovery-codes(\?notice=\w+)?$/);
  const codes = await page.getByTestId("recovery-codes").locator("li").allInnerTexts();
  expect(codes).toHaveLength(10);
  if (await scriptingEnabled(page)) {
    // Once the page is interactive, continuing waits until the codes were kept somewhere.
    await expect(page.getByRole("button", { name: "I've saved my codes" })).toBeDisabled();
    await page.getByRole("button", { name: "Download" }).click();
  }
  await page.getByRole("link", { name: "I've saved my codes" }).click();
  await expect(page).toHaveURL(/\/(home|admin)$/);
  return codes;
}

/** On the enrollment page: the key read off the page, its current code, and the recovery codes saved. */
async function completeEnrollment(page: Page, email: string) {
  await expect(page).toHaveURL(/\/enroll$/);
  const secret = await readSetupKey(page);
  const enrolledAt = Date.now() / 1000;
  await enterCode(page, codeAt(secret, enrolledAt), "Finish setup");
  const recoveryCodes = await saveRecoveryCodes(page);
  return { email, secret, enrolledAt, recoveryCodes };
}

/** Sign-up and enrollment in one go; returns the secret, when its first code was used, and the recovery codes. */
export async function enrolledPatient(page: Page, email = uniqueEmail()) {
  await signUp(page, email);
  return completeEnrollment(page, email);
}

export async function signInWithPassword(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: /^(Sign out|Cancel|Cancel and sign out)$/ }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signedOut$/);
  await expect(page.getByText("You've signed out.")).toBeVisible();
}

/**
 * Stands in for time passing on the server: the patient's sessions last proved password and code
 * an hour ago. Writes straight to the browser tests' own database file.
 */
export function ageStepUps(email: string) {
  const db = new Database(E2E_DATABASE_FILE);
  try {
    db.prepare(
      `UPDATE "UserSession" SET "stepUpAt" = ? WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = ?)`,
    ).run(sqliteTime(Date.now() - 3600_000), email);
  } finally {
    db.close();
  }
}

/** DateTime as Prisma's SQLite adapter stores it: ISO 8601 with an explicit +00:00. */
export function sqliteTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** Reads the browser tests' database directly, the way an auditor would. */
export function queryDb<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(E2E_DATABASE_FILE, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The admin console, run as an operator would, against the browser tests' database. */
export function runAdminCli(args: string[], input = ""): { code: number | null; out: string; err: string } {
  const run = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/admin.ts", ...args], {
    input,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: `file:./${E2E_DATABASE_FILE}`,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    } as unknown as NodeJS.ProcessEnv,
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** An admin made with the console, signed in and enrolled in `page`; returns what the tests need. */
export async function enrolledAdmin(page: Page) {
  const email = uniqueEmail("admin");
  const created = runAdminCli(["create-admin", "--email", email, "--name", "Ada Admin"], `${PASSWORD}\n`);
  expect(created.err).toBe("");
  await signInWithPassword(page, email);
  return completeEnrollment(page, email);
}

/**
 * A second portal with its own fresh database and settings, for tests that kill it or configure
 * it differently from the shared one. Its output is collected in `output`.
 */
export async function startOwnPortal(port: number, dbFile: string, settings: Record<string, string>, fresh = true) {
  if (fresh) {
    mkdirSync(path.dirname(dbFile), { recursive: true });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
    migrateDatabase(`file:./${dbFile}`);
  }
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: `file:./${dbFile}`,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    NEXT_TELEMETRY_DISABLED: "1",
    ...settings,
  };
  // As production runs it (scripts/serve.ts), in one process.
  const server: ChildProcess = spawn("node_modules/.bin/tsx", ["scripts/serve.ts"], {
    env: { PORT: String(port), HOSTNAME: "127.0.0.1", WEB_CONCURRENCY: "1", ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const portal = { server, output: "", base: `http://127.0.0.1:${port}`, kill: () => server.exitCode === null && process.kill(-server.pid!, "SIGKILL") };
  server.stdout!.on("data", (chunk: Buffer) => (portal.output += chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => (portal.output += chunk.toString()));
  await expect.poll(async () => (await fetch(`${portal.base}/sign-in`).catch(() => null))?.status ?? 0, { timeout: 30_000 }).toBe(200);
  return portal;
}

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/** Every WCAG 2.2 A/AA rule axe knows, on the page as it is now, in light and in dark mode. */
export async function expectAccessible(page: Page, state: string) {
  // After a client-side navigation Next.js sets the new page's title a moment after its content.
  await expect.poll(() => page.title(), { message: `${state}: the page has a title` }).not.toBe("");
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
    const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(found, `${state}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
}
