/**
 * Guessing attack against the code step, over HTTP, against `next start` on 127.0.0.1.
 *
 * For each scenario a fresh server and database are started; a patient signs up and enrolls in
 * Chromium (the key read off the page, codes from oathtool); the password step is passed once,
 * and then N wrong codes are posted to NextAuth's callback with that browser's cookies. Time is
 * simulated: when the server locks the account or address, the script notes how long, moves the
 * lock's end into the past in the database and carries on, until 24 simulated hours have passed;
 * after that, locks are left in place. Prints what an attacker would get.
 *
 * The clock-hint scenario stands in for a guesser's luck: every 50th guess is a code that belongs to
 * a step 2 to 10 steps ahead (from oathtool), which the server answers "your clock is fast"; the
 * script then sends that very code again when its step comes due, as a guesser would.
 *
 *   npm run build && npx tsx bench/attack-codes.ts [--attempts 10000] [--only hints]
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { chromium, type BrowserContext } from "@playwright/test";
import { migrateDatabase } from "../scripts/migrate";

const attempts = Number(process.argv[process.argv.indexOf("--attempts") + 1]) || 10_000;
const SIMULATED_HOURS = 24;
const PASSWORD = "attack bench password";

type Scenario = { name: string; id: string; trustProxyHops: number; spoof: boolean; hints?: boolean };
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : null;
const scenarios: Scenario[] = [
  { id: "one", name: "one address", trustProxyHops: 0, spoof: false },
  { id: "spoof", name: "spoofed X-Forwarded-For, no proxy trusted", trustProxyHops: 0, spoof: true },
  { id: "proxy", name: "many addresses through a trusted proxy (TRUST_PROXY_HOPS=1)", trustProxyHops: 1, spoof: true },
  { id: "hints", name: "one address, clock hints sent again when due", trustProxyHops: 0, spoof: false, hints: true },
].filter((s) => !only || s.id === only);
const HINT_EVERY = 50;

const codeAt = (secret: string, epoch: number) =>
  execFileSync("oathtool", ["--totp", "-b", "-N", `@${Math.floor(epoch)}`, secret], { encoding: "utf8" }).trim();
/** DateTime as Prisma's SQLite adapter stores it: ISO 8601 with an explicit +00:00. */
const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const randomAddress = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

async function startServer(port: number, dbFile: string, trustProxyHops: number): Promise<ChildProcess> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  migrateDatabase(`file:${dbFile}`);
  const server = spawn("node_modules/.bin/next", ["start", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: "ignore",
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: `file:${dbFile}`,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      TRUST_PROXY_HOPS: String(trustProxyHops),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/sign-in`)).ok) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  server.kill();
  throw new Error("server did not start");
}

/** Sign-up, enrollment and the password step in a real browser; returns the secret. */
async function enrollAndPassPassword(context: BrowserContext, base: string, email: string): Promise<string> {
  const page = await context.newPage();
  await page.goto(`${base}/sign-up`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/enroll$/);
  const secret = (await page.getByTestId("setup-key").innerText()).replace(/\s/g, "");
  await page.getByLabel("6-digit code").fill(codeAt(secret, Date.now() / 1000));
  await page.getByRole("button", { name: "Finish setup" }).click();
  await page.waitForURL(/\/account\/recovery-codes$/);
  await context.clearCookies();
  await passPassword(context, base, email);
  await page.close();
  return secret;
}

async function passPassword(context: BrowserContext, base: string, email: string) {
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(/\/sign-in\/code$/);
  await page.close();
}

async function run(scenario: Scenario, index: number) {
  const port = Number(process.env.ATTACK_PORT ?? 3600) + index;
  const base = `http://127.0.0.1:${port}`;
  const dbFile = path.resolve(`.tmp/attack-${index}.db`);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  const server = await startServer(port, dbFile, scenario.trustProxyHops);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const db = new Database(dbFile);
  try {
    const context = await browser.newContext();
    const email = `target-${index}@example.test`;
    const secret = await enrollAndPassPassword(context, base, email);

    const outcomes: Record<string, number> = {};
    const lockouts: string[] = [];
    let firstLockoutAfter: number | null = null;
    let simulatedMs = 0;
    const started = Date.now();

    // Codes that would be right now are never sent: this measures the limits, not luck.
    let validStep = -1;
    let valid = new Set<string>();
    let csrfToken = "";
    // Clock-hint scenario: codes answered "clock fast", waiting for their step; and what became of them.
    const hinted: { code: string; step: number }[] = [];
    const hintStats = { offered: 0, hinted: 0, resent: 0, resentCompared: 0, resentAccepted: 0 };
    for (let i = 0; i < attempts; i++) {
      const now = Date.now() / 1000;
      const step = Math.floor(now / 30);
      if (step !== validStep) {
        validStep = step;
        valid = new Set([-2, -1, 0, 1, 2].map((o) => codeAt(secret, now + o * 30)));
      }
      let guess = String(randomBytes(4).readUInt32BE() % 1_000_000).padStart(6, "0");
      while (valid.has(guess)) guess = String((Number(guess) + 1) % 1_000_000).padStart(6, "0");
      let resending: { code: string; step: number } | null = null;
      let aheadSteps = 0;
      if (scenario.hints) {
        while (hinted.length > 0 && hinted[0]!.step < step - 1) hinted.shift();
        if (hinted.length > 0 && hinted[0]!.step <= step + 1) {
          resending = hinted.shift()!;
          guess = resending.code;
          hintStats.resent += 1;
        } else if (i % HINT_EVERY === 0) {
          aheadSteps = 2 + (randomBytes(1)[0]! % 9);
          const ahead = codeAt(secret, now + aheadSteps * 30);
          if (!valid.has(ahead)) {
            guess = ahead;
            hintStats.offered += 1;
          } else aheadSteps = 0;
        }
      }

      csrfToken ||= (await context.request.get(`${base}/api/auth/csrf`).then((r) => r.json())).csrfToken;
      const response = await context.request.post(`${base}/api/auth/callback/totp`, {
        form: { code: guess, csrfToken, json: "true" },
        headers: scenario.spoof ? { "x-forwarded-for": randomAddress() } : {},
      });
      const { url } = await response.json();
      const error = new URL(url).searchParams.get("error") ?? "signed-in";
      const key = error.split(":")[0]!;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (aheadSteps > 0 && key === "clockDrift") {
        hintStats.hinted += 1;
        hinted.push({ code: guess, step: step + aheadSteps });
        hinted.sort((a, b) => a.step - b.step);
      }
      if (resending && (key === "locked" || key === "tooManyAttempts")) {
        // Paused before it was compared: try it again once the pause is over, while it is still due.
        hinted.unshift(resending);
        hintStats.resent -= 1;
      } else if (resending) {
        hintStats.resentCompared += 1;
        if (key === "signed-in") hintStats.resentAccepted += 1;
      }

      if (key === "challengeExpired") {
        await passPassword(context, base, email);
        csrfToken = "";
      }
      // "locked": the account is paused; "tooManyAttempts": this address is.
      if (key === "locked" || key === "tooManyAttempts") {
        firstLockoutAfter ??= i + 1;
        const active = db
          .prepare(`SELECT key, lockedUntil, updatedAt FROM RateLimit WHERE lockedUntil > ?`)
          .all(sqliteTime(Date.now()))
          .map((row) => {
            const { key, lockedUntil, updatedAt } = row as { key: string; lockedUntil: string; updatedAt: string };
            return { key, minutes: Math.round((Date.parse(lockedUntil) - Date.parse(updatedAt)) / 60_000) };
          });
        const longest = Math.max(...active.map((row) => row.minutes * 60_000), 0);
        if (simulatedMs + longest <= SIMULATED_HOURS * 3600_000 && active.length > 0) {
          simulatedMs += longest;
          for (const row of active) lockouts.push(`${row.minutes} min (${row.key.replace(/:[^:]*$/, "")})`);
          db.prepare(`UPDATE RateLimit SET lockedUntil = ? WHERE lockedUntil > ?`).run(sqliteTime(Date.now() - 1), sqliteTime(Date.now()));
        }
      }
    }

    // Hints still waiting: wait for each step to come due, let any pause run out (as a patient
    // attacker would), and send the code then.
    while (scenario.hints && hinted.length > 0) {
      const next = hinted.shift()!;
      const wait = (next.step - 1) * 30_000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 1_000));
      db.prepare(`UPDATE RateLimit SET lockedUntil = ? WHERE lockedUntil > ?`).run(sqliteTime(Date.now() - 1), sqliteTime(Date.now()));
      csrfToken ||= (await context.request.get(`${base}/api/auth/csrf`).then((r) => r.json())).csrfToken;
      let response = await context.request.post(`${base}/api/auth/callback/totp`, { form: { code: next.code, csrfToken, json: "true" } });
      let key = (new URL((await response.json()).url).searchParams.get("error") ?? "signed-in").split(":")[0]!;
      if (key === "challengeExpired") {
        await passPassword(context, base, email);
        csrfToken = (await context.request.get(`${base}/api/auth/csrf`).then((r) => r.json())).csrfToken;
        response = await context.request.post(`${base}/api/auth/callback/totp`, { form: { code: next.code, csrfToken, json: "true" } });
        key = (new URL((await response.json()).url).searchParams.get("error") ?? "signed-in").split(":")[0]!;
      }
      hintStats.resent += 1;
      if (key !== "locked" && key !== "tooManyAttempts") hintStats.resentCompared += 1;
      if (key === "signed-in") hintStats.resentAccepted += 1;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }

    const compared = (db.prepare(`SELECT COUNT(*) AS n FROM SecurityEvent WHERE type = 'code-wrong'`).get() as { n: number }).n;
    console.log(`\n== ${scenario.name}`);
    console.log(`attempts: ${attempts} in ${((Date.now() - started) / 1000).toFixed(0)} s of real time, ${(simulatedMs / 3600_000).toFixed(1)} h simulated`);
    console.log(`successes: ${outcomes["signed-in"] ?? 0}`);
    console.log(`codes the server actually compared: ${compared}`);
    console.log(`attempts before the first lockout: ${firstLockoutAfter ?? "none"}`);
    console.log(`answers: ${JSON.stringify(outcomes)}`);
    if (scenario.hints) {
      console.log(
        `clock hints: ${hintStats.offered} future codes sent, ${hintStats.hinted} answered with the hint, ${hintStats.resent} sent again when due, ` +
          `${hintStats.resentCompared} of those compared, ${hintStats.resentAccepted} accepted`,
      );
    }
    console.log(`codes compared per simulated day: ${Math.round(compared / Math.max(simulatedMs / 86_400_000, 1 / 24))}`);
    console.log(`lockouts seen, in order: ${lockouts.slice(0, 12).join(", ")}${lockouts.length > 12 ? `, … (${lockouts.length} in all)` : ""}`);
    return outcomes["signed-in"] ?? 0;
  } finally {
    db.close();
    await browser.close();
    server.kill();
  }
}

async function main() {
  let successes = 0;
  for (const [index, scenario] of scenarios.entries()) successes += await run(scenario, index);
  process.exit(successes === 0 ? 0 : 1);
}

void main();
