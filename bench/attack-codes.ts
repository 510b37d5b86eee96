/**
 * Guessing attack against the code step, over HTTP, against the portal (scripts/serve.ts) on 127.0.0.1.
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
 * With --instances N (and/or --database postgres) the same attack goes through nginx over N server
 * instances on one database (scripts/cluster.ts, TRUST_PROXY_HOPS=1): a throwaway PostgreSQL cluster,
 * or one SQLite file. nginx names the instance that answered each request (X-Upstream), and the
 * script counts them. nginx replaces X-Forwarded-For, so "many addresses through a trusted proxy"
 * cannot be simulated there and is left out.
 *
 *   npm run build && npx tsx bench/attack-codes.ts [--attempts 10000] [--only hints] [--port 3600]
 *   npm run build && npx tsx bench/attack-codes.ts --instances 2 --database postgres [--port 3620]
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { chromium, type BrowserContext } from "@playwright/test";
import { simpleParser } from "mailparser";
import { migrateDatabase } from "../scripts/migrate";

const arg = (name: string) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : undefined);
const attempts = Number(arg("attempts")) || 10_000;
const POSTGRES = arg("database") === "postgres";
// Through nginx whenever asked for instances or PostgreSQL: that is how several instances are deployed.
const INSTANCES = arg("instances") || POSTGRES ? Number(arg("instances") ?? 1) : null;
const BASE_PORT = Number(arg("port") ?? process.env.ATTACK_PORT ?? (INSTANCES ? 3620 : 3600));
const SIMULATED_HOURS = 24;
const PASSWORD = "attack bench password";

type Scenario = { name: string; id: string; trustProxyHops: number; spoof: boolean; hints?: boolean };
const only = arg("only") ?? null;
const scenarios: Scenario[] = (
  INSTANCES
    ? [
        { id: "one", name: "one address", trustProxyHops: 1, spoof: false },
        { id: "spoof", name: "spoofed X-Forwarded-For, replaced by nginx (TRUST_PROXY_HOPS=1)", trustProxyHops: 1, spoof: true },
        { id: "hints", name: "one address, clock hints sent again when due", trustProxyHops: 1, spoof: false, hints: true },
      ]
    : [
        { id: "one", name: "one address", trustProxyHops: 0, spoof: false },
        { id: "spoof", name: "spoofed X-Forwarded-For, no proxy trusted", trustProxyHops: 0, spoof: true },
        { id: "proxy", name: "many addresses through a trusted proxy (TRUST_PROXY_HOPS=1)", trustProxyHops: 1, spoof: true },
        { id: "hints", name: "one address, clock hints sent again when due", trustProxyHops: 0, spoof: false, hints: true },
      ]
).filter((s) => !only || s.id === only);
const HINT_EVERY = 50;

const codeAt = (secret: string, epoch: number) =>
  execFileSync("oathtool", ["--totp", "-b", "-N", `@${Math.floor(epoch)}`, secret], { encoding: "utf8" }).trim();
/** DateTime as Prisma's SQLite adapter stores it: ISO 8601 with an explicit +00:00. */
const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const randomAddress = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

/**
 * The lockouts as the server stored them, and a way to move their ends into the past: one small
 * function per database, over the same table and columns.
 */
type Store = {
  /** Active locks: key, and how long each was set for. */
  activeLocks(): Promise<{ key: string; minutes: number }[]>;
  expireLocks(): Promise<void>;
  wrongCodesCompared(): Promise<number>;
  close(): Promise<void>;
};

function sqliteStore(dbFile: string): Store {
  const db = new Database(dbFile);
  return {
    activeLocks: async () =>
      db
        .prepare(`SELECT key, lockedUntil, updatedAt FROM RateLimit WHERE lockedUntil > ?`)
        .all(sqliteTime(Date.now()))
        .map((row) => {
          const { key, lockedUntil, updatedAt } = row as { key: string; lockedUntil: string; updatedAt: string };
          return { key, minutes: Math.round((Date.parse(lockedUntil) - Date.parse(updatedAt)) / 60_000) };
        }),
    expireLocks: async () => {
      db.prepare(`UPDATE RateLimit SET lockedUntil = ? WHERE lockedUntil > ?`).run(sqliteTime(Date.now() - 1), sqliteTime(Date.now()));
    },
    wrongCodesCompared: async () => (db.prepare(`SELECT COUNT(*) AS n FROM SecurityEvent WHERE type = 'code-wrong'`).get() as { n: number }).n,
    close: async () => {
      db.close();
    },
  };
}

/** Prisma keeps UTC in `timestamp(3)` columns: compared against the database's own clock in UTC. */
async function postgresStore(url: string): Promise<Store> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const nowUtc = `(now() AT TIME ZONE 'UTC')`;
  return {
    activeLocks: async () =>
      (
        await client.query<{ key: string; minutes: number }>(
          `SELECT "key", round(extract(epoch FROM "lockedUntil" - "updatedAt") / 60)::int AS minutes FROM "RateLimit" WHERE "lockedUntil" > ${nowUtc}`,
        )
      ).rows,
    expireLocks: async () => {
      await client.query(`UPDATE "RateLimit" SET "lockedUntil" = ${nowUtc} - interval '1 millisecond' WHERE "lockedUntil" > ${nowUtc}`);
    },
    wrongCodesCompared: async () =>
      Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "SecurityEvent" WHERE "type" = 'code-wrong'`)).rows[0]!.n),
    close: () => client.end(),
  };
}

/** Everything one scenario started, stopped by stop() (also on Ctrl-C). */
type Deployment = { base: string; store: Store; stop(): Promise<void> };
const running = new Set<Deployment>();

async function waitForPortal(base: string, server: ChildProcess) {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) break;
    try {
      if ((await fetch(`${base}/sign-in`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  server.kill();
  throw new Error("the portal did not start");
}

/** One server process (scripts/serve.ts) on a fresh SQLite file, answering directly. */
async function startServer(port: number, dbFile: string, trustProxyHops: number): Promise<ChildProcess> {
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  migrateDatabase(`file:${dbFile}`);
  const server = spawn("node_modules/.bin/tsx", ["scripts/serve.ts"], {
    stdio: "ignore",
    env: {
      ...process.env,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      WEB_CONCURRENCY: "1",
      NODE_ENV: "production",
      DATABASE_URL: `file:${dbFile}`,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      TRUST_PROXY_HOPS: String(trustProxyHops),
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  await waitForPortal(`http://127.0.0.1:${port}`, server);
  return server;
}

/**
 * nginx over INSTANCES instances (scripts/cluster.ts): PostgreSQL on `base` (a throwaway cluster
 * of this script's), nginx on base + 1, the instances above; or every instance on one SQLite file.
 */
async function startCluster(base: number, dbFile: string): Promise<Deployment> {
  const pgDir = path.resolve(`.tmp/attack-pg-${base}`);
  let url = `file:${dbFile}`;
  let pgStarted = false;
  const stopPostgres = () => {
    if (pgStarted) execFileSync("bash", ["scripts/pg-throwaway.sh", "stop", pgDir], { stdio: "ignore" });
    pgStarted = false;
  };
  if (POSTGRES) {
    url = execFileSync("bash", ["scripts/pg-throwaway.sh", "start", pgDir, String(base)], { encoding: "utf8" }).trim();
    pgStarted = true;
  } else for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  const cluster = spawn("node_modules/.bin/tsx", ["scripts/cluster.ts"], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, CLUSTER_BASE_PORT: String(base), CLUSTER_INSTANCES: String(INSTANCES), NEXTAUTH_URL: `http://127.0.0.1:${base + 1}` },
  });
  const exited = new Promise((resolve) => cluster.once("exit", resolve));
  let store: Store | null = null;
  const deployment: Deployment = {
    base: `http://127.0.0.1:${base + 1}`,
    get store() {
      return store!;
    },
    async stop() {
      running.delete(deployment);
      await store?.close().catch(() => {});
      if (cluster.exitCode === null && cluster.signalCode === null) {
        cluster.kill("SIGTERM");
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      }
      stopPostgres();
    },
  };
  running.add(deployment);
  try {
    await waitForPortal(deployment.base, cluster);
    store = POSTGRES ? await postgresStore(url) : sqliteStore(dbFile);
  } catch (error) {
    await deployment.stop();
    throw error;
  }
  return deployment;
}

async function startDeployment(index: number, trustProxyHops: number): Promise<Deployment> {
  const port = INSTANCES ? BASE_PORT + index * 10 : BASE_PORT + index;
  // Named by port, so runs on other ports never share a file.
  const dbFile = path.resolve(`.tmp/attack-${port}.db`);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  if (INSTANCES) return startCluster(port, dbFile);
  const server = await startServer(port, dbFile, trustProxyHops);
  const store = sqliteStore(dbFile);
  const deployment: Deployment = {
    base: `http://127.0.0.1:${port}`,
    store,
    async stop() {
      running.delete(deployment);
      await store.close();
      server.kill();
    },
  };
  running.add(deployment);
  return deployment;
}

/**
 * The confirmation link mailed to `email`. With no mail server set up every instance writes its
 * mail to `.outbox/` in the directory it runs in (this one); the local mailbox page is off behind
 * a proxy, so the file is read here.
 */
async function confirmationLink(email: string, since: number): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const files = readdirSync(".outbox")
      .filter((name) => name.endsWith(".eml"))
      .map((name) => path.join(".outbox", name))
      .filter((file) => statSync(file).mtimeMs >= since - 1_000);
    for (const file of files) {
      const mail = await simpleParser(readFileSync(file));
      const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
      if (!to.some((a) => a.value.some((v) => v.address === email))) continue;
      const link = /https?:\/\/\S+\/confirm-email\?token=\S+/.exec(mail.text ?? "")?.[0];
      if (link) return link;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no confirmation mail for ${email} in .outbox/`);
}

/** Sign-up (with the emailed confirmation link), enrollment and the password step in a real browser; returns the secret. */
async function enrollAndPassPassword(context: BrowserContext, base: string, email: string): Promise<string> {
  const page = await context.newPage();
  const since = Date.now();
  await page.goto(`${base}/sign-up`);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/sign-up\/check-email$/);
  await page.goto(await confirmationLink(email, since));
  await page.getByRole("button", { name: "Confirm and continue" }).click();
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
  const deployment = await startDeployment(index, scenario.trustProxyHops);
  const { base, store } = deployment;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  // Which instance answered each code, as nginx names it.
  const answeredBy: Record<string, number> = {};
  const countUpstream = (response: { headers(): Record<string, string> }) => {
    const upstream = response.headers()["x-upstream"];
    if (upstream) answeredBy[upstream] = (answeredBy[upstream] ?? 0) + 1;
  };
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
      countUpstream(response);
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
        const active = await store.activeLocks();
        const longest = Math.max(...active.map((row) => row.minutes * 60_000), 0);
        if (simulatedMs + longest <= SIMULATED_HOURS * 3600_000 && active.length > 0) {
          simulatedMs += longest;
          for (const row of active) lockouts.push(`${row.minutes} min (${row.key.replace(/:[^:]*$/, "")})`);
          await store.expireLocks();
        }
      }
    }

    // Hints still waiting: wait for each step to come due, let any pause run out (as a patient
    // attacker would), and send the code then.
    while (scenario.hints && hinted.length > 0) {
      const next = hinted.shift()!;
      const wait = (next.step - 1) * 30_000 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 1_000));
      await store.expireLocks();
      csrfToken ||= (await context.request.get(`${base}/api/auth/csrf`).then((r) => r.json())).csrfToken;
      let response = await context.request.post(`${base}/api/auth/callback/totp`, { form: { code: next.code, csrfToken, json: "true" } });
      countUpstream(response);
      let key = (new URL((await response.json()).url).searchParams.get("error") ?? "signed-in").split(":")[0]!;
      if (key === "challengeExpired") {
        await passPassword(context, base, email);
        csrfToken = (await context.request.get(`${base}/api/auth/csrf`).then((r) => r.json())).csrfToken;
        response = await context.request.post(`${base}/api/auth/callback/totp`, { form: { code: next.code, csrfToken, json: "true" } });
        countUpstream(response);
        key = (new URL((await response.json()).url).searchParams.get("error") ?? "signed-in").split(":")[0]!;
      }
      hintStats.resent += 1;
      if (key !== "locked" && key !== "tooManyAttempts") hintStats.resentCompared += 1;
      if (key === "signed-in") hintStats.resentAccepted += 1;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }

    const compared = await store.wrongCodesCompared();
    console.log(`\n== ${scenario.name}${INSTANCES ? ` — through nginx over ${INSTANCES} instance(s) on ${POSTGRES ? "PostgreSQL" : "SQLite"}` : ""}`);
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
    if (INSTANCES) console.log(`code posts answered per instance (nginx X-Upstream): ${JSON.stringify(answeredBy)}`);
    console.log(`lockouts seen, in order: ${lockouts.slice(0, 12).join(", ")}${lockouts.length > 12 ? `, … (${lockouts.length} in all)` : ""}`);
    return outcomes["signed-in"] ?? 0;
  } finally {
    await browser.close();
    await deployment.stop();
  }
}

async function main() {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      void Promise.all([...running].map((d) => d.stop())).finally(() => process.exit(130));
    });
  }
  let successes = 0;
  for (const [index, scenario] of scenarios.entries()) successes += await run(scenario, index);
  process.exit(successes === 0 ? 0 : 1);
}

void main();
