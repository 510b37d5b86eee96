/**
 * Sign-in throughput over HTTP, without a browser: the no-JavaScript password form post (the
 * server action), then NextAuth's CSRF token and callback for the code, as a browser would send
 * them. Each full sign-in uses a distinct enrolled account (seeded straight into a fresh database),
 * all from one address with the per-address budgets set far above the load. Prints the figures
 * beside the argon2id verify floor measured in the same run (the work every sign-in must do),
 * medians over --runs, after one warm-up run that is not counted. Each concurrent client of a
 * phase holds its own keep-alive connection, as a patient's browser does.
 *
 *   npm run bench:sign-in                       # builds, then serves this checkout as `npm run serve` does
 *   npx tsx --conditions=react-server bench/sign-in.ts --app ../other-checkout --runs 3
 *
 * --trace makes only two sign-ins and stops: with SQL_COUNT_LOG=1 the server prints each statement.
 * --app serves another built checkout (for a before/after comparison on the same machine); it
 * is started with its own scripts/serve.ts when it has one, else (or with --server next) with `next start`.
 *
 * --profile get|sign-in|wrong|locked writes a CPU profile of each server process during that
 * phase of the last run to .tmp/profiles/<pid>.cpuprofile (bench/support/profile.cjs).
 *
 * --instances N serves N server instances behind nginx instead (scripts/cluster.ts; nginx on
 * --port, the instances above it), and --database postgres puts them on a throwaway PostgreSQL
 * cluster (on --port minus 2) instead of the SQLite file. bench/instances.ts compares them.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { hash, verify } from "@node-rs/argon2";
import { encryptSecret } from "../lib/crypto";
import { cpuMeter, postmasterPid } from "./support/cpu";

const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
};
const APP = path.resolve(arg("app", "."));
const PORT = Number(arg("port", process.env.BENCH_PORT ?? "3211"));
const RUNS = Number(arg("runs", "1"));
const SECONDS = Number(arg("seconds", "5"));
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = "bench password for sign-in";
const ACCOUNTS_PER_RUN = 4_000;
const SQL_DIR = path.resolve(`.tmp/bench-sql-${process.pid}`);
const PROFILE_PHASE = arg("profile", "");
/** --only get,locked: just those load phases (for profiling one of them); other figures are left out. */
const ONLY = arg("only", "") ? new Set(arg("only", "").split(",")) : null;
const wanted = (name: string) => !ONLY || ONLY.has(name);
const skipped = { rate: NaN, p95: NaN, failures: 0, done: 0, cpuMs: NaN, cpuByRole: {}, busyCores: NaN, busiestJsThread: NaN };
const PROFILE_DIR = path.resolve(".tmp/profiles");
// The same argon2id parameters as lib/password.ts.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const INSTANCES = process.argv.includes("--instances") ? Number(arg("instances", "1")) : null;
const POSTGRES = arg("database", "sqlite") === "postgres";
const PG_DIR = path.resolve(`.tmp/bench-pg-${process.pid}`);

// ---------------------------------------------------------------- HTTP with a small cookie jar

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
/**
 * Each loop of a load phase is one client with its own connection, as each patient's browser has.
 * Loops sharing one pool would pick up whichever sockets were freed last, and those can all lead
 * to the same server process (node:cluster hands out connections, not requests).
 */
const ownConnection = new AsyncLocalStorage<http.Agent>();
type Reply = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };
type Jar = Map<string, string>;

function send(method: string, url: string, jar: Jar | null, headers: Record<string, string> = {}, body?: string | Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const cookie = jar && jar.size ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : undefined;
    const req = http.request(
      `${BASE}${url}`,
      { method, agent: ownConnection.getStore() ?? agent, headers: { ...headers, ...(cookie ? { cookie } : {}), ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          if (jar) {
            for (const line of res.headers["set-cookie"] ?? []) {
              const [pair = ""] = line.split(";");
              const eq = pair.indexOf("=");
              const name = pair.slice(0, eq).trim();
              const value = pair.slice(eq + 1).trim();
              if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
              else jar.set(name, value);
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const decodeHtml = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The hidden fields React renders into a server-action form, so it posts without JavaScript. */
function hiddenFields(html: string): [string, string][] {
  const form = html.slice(html.indexOf("<form"), html.indexOf("</form>"));
  const out: [string, string][] = [];
  for (const tag of form.match(/<input[^>]*>/g) ?? []) {
    if (!/type="hidden"/.test(tag)) continue;
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (name) out.push([decodeHtml(name), decodeHtml(/value="([^"]*)"/.exec(tag)?.[1] ?? "")]);
  }
  return out;
}

function multipart(fields: [string, string][]): { body: string; type: string } {
  const boundary = `----bench${randomBytes(8).toString("hex")}`;
  const parts = fields.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return { body: `${parts.join("")}--${boundary}--\r\n`, type: `multipart/form-data; boundary=${boundary}` };
}

// ---------------------------------------------------------------- TOTP (RFC 6238), for the seeded secrets

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const toBase32 = (bytes: Buffer) => {
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => ALPHABET[parseInt(chunk.padEnd(5, "0"), 2)]).join("");
};
function totp(key: Buffer, epochSeconds = Date.now() / 1000): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochSeconds / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

// ---------------------------------------------------------------- server and database

const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
type Account = { email: string; key: Buffer };

async function seed(dbFile: string, encryptionKey: Buffer, run: number): Promise<Account[]> {
  const passwordHash = await hash(PASSWORD, ARGON2);
  const db = new Database(dbFile);
  const now = sqliteTime(Date.now());
  // --app may name a checkout from before email confirmation (the issue's own starting point).
  const confirms = (db.prepare(`SELECT name FROM pragma_table_info('User')`).all() as { name: string }[]).some((c) => c.name === "emailConfirmedAt");
  const insert = db.prepare(
    `INSERT INTO "User" (id, email, role, passwordHash, totpSecret, enrolledAt, recoveryCodesIssuedAt, ${confirms ? "emailConfirmedAt, " : ""}createdAt, updatedAt)
     VALUES (?, ?, 'patient', ?, ?, ?, ?, ?, ?${confirms ? ", ?" : ""})`,
  );
  const accounts: Account[] = [];
  db.transaction(() => {
    for (let i = 0; i < ACCOUNTS_PER_RUN; i++) {
      const id = `bench${run}x${i}`;
      const key = randomBytes(20);
      const sealed = encryptSecret(toBase32(key), encryptionKey, `totp-secret:${id}`);
      const email = `bench-${run}-${i}@example.test`;
      insert.run(id, email, passwordHash, sealed, ...Array<string>(confirms ? 5 : 4).fill(now));
      accounts.push({ email, key });
    }
  })();
  db.close();
  return accounts;
}

/** The same accounts as seed(), in PostgreSQL. */
async function seedPostgres(url: string, encryptionKey: Buffer, run: number): Promise<Account[]> {
  const { default: pg } = await import("pg");
  const passwordHash = await hash(PASSWORD, ARGON2);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const now = new Date();
  const accounts: Account[] = [];
  try {
    for (let start = 0; start < ACCOUNTS_PER_RUN; start += 500) {
      const values: unknown[] = [];
      const rows: string[] = [];
      for (let i = start; i < Math.min(start + 500, ACCOUNTS_PER_RUN); i++) {
        const id = `bench${run}x${i}`;
        const key = randomBytes(20);
        const email = `bench-${run}-${i}@example.test`;
        const n = values.length;
        rows.push(`($${n + 1}, $${n + 2}, 'patient', $${n + 3}, $${n + 4}, $${n + 5}, $${n + 5}, $${n + 5}, $${n + 5}, $${n + 5})`);
        values.push(id, email, passwordHash, encryptSecret(toBase32(key), encryptionKey, `totp-secret:${id}`), now);
        accounts.push({ email, key });
      }
      await client.query(
        `INSERT INTO "User" (id, email, role, "passwordHash", "totpSecret", "enrolledAt", "recoveryCodesIssuedAt", "emailConfirmedAt", "createdAt", "updatedAt") VALUES ${rows.join(", ")}`,
        values,
      );
    }
  } finally {
    await client.end();
  }
  return accounts;
}

async function startServer(dbFile: string, authSecret: string, encryptionKey: Buffer): Promise<ChildProcess> {
  const clustered = arg("server", "serve") === "serve" && readdirSync(path.join(APP, "scripts")).includes("serve.ts");
  const [command, args] = INSTANCES
    ? [path.join(APP, "node_modules/.bin/tsx"), ["scripts/cluster.ts"]]
    : clustered
      ? [path.join(APP, "node_modules/.bin/tsx"), ["scripts/serve.ts"]]
      : [path.join(APP, "node_modules/.bin/next"), ["start", "-H", "127.0.0.1", "-p", String(PORT)]];
  const server = spawn(command, args, {
    cwd: APP,
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      DATABASE_URL: dbFile.startsWith("postgresql:") ? dbFile : `file:${dbFile}`,
      CLUSTER_BASE_PORT: String(PORT - 1),
      CLUSTER_INSTANCES: String(INSTANCES ?? 1),
      AUTH_SECRET: authSecret,
      ENCRYPTION_KEY: encryptionKey.toString("base64"),
      NEXTAUTH_URL: BASE,
      IP_ATTEMPTS_PER_15_MIN: "100000",
      SIGNUPS_PER_IP_PER_HOUR: "100000",
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_OPTIONS: [
        process.env.NODE_OPTIONS ?? "",
        `--require ${path.resolve(__dirname, "support/count-sql.cjs")}`,
        PROFILE_PHASE ? `--require ${path.resolve(__dirname, "support/profile.cjs")}` : "",
      ].join(" "),
      PROFILE_DIR,
      SQL_COUNT_DIR: SQL_DIR,
    },
  });
  for (let i = 0; i < 150; i++) {
    try {
      if ((await send("GET", "/sign-in", null)).status === 200) return server;
    } catch {
      /* not up yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  server.kill();
  throw new Error("server did not start");
}

/** Every process of the server (the launcher and what it forked), by walking /proc. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      /* gone */
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/** Peak resident memory (VmHWM) of each server process, in MB, largest first. */
function peakRss(root: number): number[] {
  return processTree(root)
    .map((pid) => {
      try {
        return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
      } catch {
        return 0;
      }
    })
    .filter((mb) => mb > 0)
    .sort((a, b) => b - a);
}

let serverPid = 0;
const CLOCK_TICKS_PER_S = 100;

/** CPU time (user + system) the server's processes have used so far, in ms: independent of other load on the machine. */
function serverCpuMs(): number {
  let ticks = 0;
  for (const pid of processTree(serverPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

/** Starts a CPU profile in every server process (bench/support/profile.cjs); the function returned writes them. */
function profileSignal(): () => void {
  const signal = () => {
    for (const pid of processTree(serverPid)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("node")) process.kill(pid, "SIGUSR2");
      } catch {
        /* gone */
      }
    }
  };
  signal();
  return signal;
}

/**
 * A load phase, with the server CPU it cost per successful operation; cpuByRole splits that CPU by
 * process (each instance, nginx, PostgreSQL, this client, the rest of the machine), and busyCores
 * says how many of the machine's cores were busy meanwhile, busiestJsThread how busy the busiest
 * server process's JavaScript thread was (1 = always).
 */
async function phase(
  name: string,
  concurrency: number,
  seconds: number,
  task: () => Promise<boolean | null>,
): Promise<LoadResult & { cpuMs: number; cpuByRole: Record<string, number>; busyCores: number; busiestJsThread: number }> {
  const profiled = name === PROFILE_PHASE ? profileSignal() : null;
  const before = serverCpuMs();
  const meter = cpuMeter(serverPid, POSTGRES ? postmasterPid(PG_DIR) : null);
  const result = await load(concurrency, seconds, task);
  const { byRole, busyCores, busiestJsThread } = meter();
  profiled?.();
  const ops = Math.max(result.done + result.failures, 1);
  return { ...result, cpuMs: (serverCpuMs() - before) / ops, cpuByRole: Object.fromEntries([...byRole].map(([role, ms]) => [role, ms / ops])), busyCores, busiestJsThread };
}

const sqlTotal = () => {
  try {
    return readdirSync(SQL_DIR).reduce((sum, file) => sum + Number(readFileSync(path.join(SQL_DIR, file), "utf8") || 0), 0);
  } catch {
    return 0;
  }
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- the flows

let signInForm: [string, string][] = [];

/** The password form post; on success the browser holds a challenge for the code step. */
async function passwordStep(account: Account): Promise<Jar | null> {
  const jar: Jar = new Map();
  const { body, type } = multipart([...signInForm, ["email", account.email], ["password", PASSWORD]]);
  const reply = await send("POST", "/sign-in", jar, { "content-type": type, origin: BASE, accept: "text/html" }, body);
  if (reply.status !== 303 || !String(reply.headers.location).includes("/sign-in/code")) {
    expectAnswer(`password step: ${reply.status} ${/role="alert"[^>]*>([^<]*)/.exec(reply.body.toString())?.[1] ?? ""}`.trim(), "303");
    return null;
  }
  const csrf = await send("GET", "/api/auth/csrf", jar);
  jar.set("bench.csrf", JSON.parse(csrf.body.toString()).csrfToken);
  return jar;
}

/** NextAuth's callback as its client posts it; returns the message key, or "signed-in". */
async function postCode(jar: Jar, code: string): Promise<string> {
  const csrfToken = jar.get("bench.csrf")!;
  const form = new URLSearchParams({ code, csrfToken, json: "true" }).toString();
  const cookies: Jar = new Map([...jar].filter(([name]) => name !== "bench.csrf"));
  const reply = await send("POST", "/api/auth/callback/totp", cookies, { "content-type": "application/x-www-form-urlencoded", origin: BASE }, form);
  for (const [name, value] of cookies) jar.set(name, value);
  // NextAuth answers a refused code with 401 and the same JSON shape.
  if (reply.status !== 200 && reply.status !== 401) return `http-${reply.status}`;
  const error = new URL(JSON.parse(reply.body.toString()).url).searchParams.get("error");
  if (error) return error.split(":")[0]!;
  return [...cookies.keys()].some((name) => name.endsWith("next-auth.session-token")) ? "signed-in" : "no-session";
}

async function fullSignIn(account: Account): Promise<boolean> {
  const jar = await passwordStep(account);
  return jar !== null && expectAnswer(await postCode(jar, totp(account.key)), "signed-in");
}

/** A code that is wrong at every step the server might look at. */
function wrongCode(account: Account): string {
  const near = new Set(Array.from({ length: 23 }, (_, i) => totp(account.key, Date.now() / 1000 + (i - 11) * 30)));
  let guess = 123456;
  while (near.has(String(guess))) guess++;
  return String(guess);
}

const unexpected = new Map<string, number>();
function expectAnswer(answer: string, expected: string): boolean {
  if (answer !== expected) unexpected.set(`${answer} (expected ${expected})`, (unexpected.get(`${answer} (expected ${expected})`) ?? 0) + 1);
  return answer === expected;
}

type LoadResult = { rate: number; p95: number; failures: number; done: number };

/** `concurrency` loops calling `task` until `seconds` pass (or it runs out of work). */
async function load(concurrency: number, seconds: number, task: () => Promise<boolean | null>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const connection = new http.Agent({ keepAlive: true, maxSockets: 1 });
      await ownConnection.run(connection, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          const ok = await task().catch((error: unknown) => expectAnswer(`error: ${error instanceof Error ? error.message : String(error)}`, "an answer"));
          if (ok === null) return;
          if (ok) latencies.push(performance.now() - t);
          else failures++;
        }
      });
      connection.destroy();
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, p95: latencies[Math.floor(latencies.length * 0.95)] ?? NaN, failures, done: latencies.length };
}

async function argon2Floor(concurrency: number, seconds: number): Promise<LoadResult> {
  const stored = await hash(PASSWORD, ARGON2);
  return load(concurrency, seconds, () => verify(stored, PASSWORD));
}

/** Compressed bytes of every script a page loads, as a browser asks for them. */
async function scriptBytes(url: string, jar: Jar | null): Promise<{ bytes: number; encodings: string[] }> {
  const html = (await send("GET", url, jar, { accept: "text/html" })).body.toString();
  // Browsers that run modules skip noModule scripts (legacy polyfills): not counted.
  const tags = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"[^>]*>/g)].filter((m) => !/\snoModule/i.test(m[0]));
  const sources = [...new Set(tags.map((m) => decodeHtml(m[1]!)))];
  let bytes = 0;
  const encodings = new Set<string>();
  for (const src of sources) {
    const reply = await send("GET", src, null, { "accept-encoding": "br, gzip, deflate" });
    bytes += reply.body.length;
    encodings.add(String(reply.headers["content-encoding"] ?? "identity"));
  }
  return { bytes, encodings: [...encodings] };
}

async function enrollPageScripts(): Promise<{ bytes: number; encodings: string[] }> {
  const jar: Jar = new Map();
  const page = (await send("GET", "/sign-up", jar, { accept: "text/html" })).body.toString();
  const email = `bench-enroll-${randomBytes(6).toString("hex")}@example.test`;
  const { body, type } = multipart([...hiddenFields(page), ["email", email], ["password", PASSWORD], ["name", ""]]);
  const reply = await send("POST", "/sign-up", jar, { "content-type": type, origin: BASE, accept: "text/html" }, body);
  if (reply.status !== 303) throw new Error(`sign-up answered ${reply.status}`);
  return scriptBytes("/enroll", jar);
}

// ---------------------------------------------------------------- one run

/** SQL statements per sign-in, made one after another; the server's idle background statements are subtracted. */
async function countStatements(signIn: () => Promise<boolean>): Promise<number> {
  await pause(600);
  const before = sqlTotal();
  const started = performance.now();
  const SEQUENTIAL = 20;
  for (let i = 0; i < SEQUENTIAL; i++) if (!(await signIn())) throw new Error(`sign-in failed while counting statements: ${JSON.stringify(Object.fromEntries(unexpected))}`);
  await pause(600);
  const window = performance.now() - started;
  const during = sqlTotal() - before;
  // The server's own background work (the outbox worker's polls, housekeeping): its rate over a
  // longer idle window, times the time the sign-ins took. Not part of any sign-in.
  const idleMs = Math.max(3 * window, 6_000);
  const idleStart = sqlTotal();
  await pause(idleMs);
  const background = ((sqlTotal() - idleStart) * window) / idleMs;
  return (during - background) / SEQUENTIAL;
}

type Figures = Record<string, number>;

async function measure(accounts: Account[]): Promise<Figures> {
  let next = 0;
  const take = () => {
    if (next >= accounts.length) throw new Error(`more than ${accounts.length} accounts needed: lower --seconds`);
    return accounts[next++]!;
  };

  await load(4, 1, () => fullSignIn(take()));
  await load(16, 1, async () => (await send("GET", "/sign-in", null, { accept: "text/html" })).status === 200);

  const floor = ONLY ? NaN : (await argon2Floor(16, SECONDS)).rate;
  // The least a sign-in at c=4 can wait on this machine: four argon2 verifies at once and nothing else.
  const floorC4 = ONLY ? NaN : (await argon2Floor(4, SECONDS)).p95;
  const getSignIn = wanted("get") ? await phase("get", 16, SECONDS, async () => (await send("GET", "/sign-in", null, { accept: "text/html" })).status === 200) : skipped;
  const c16 = wanted("sign-in") ? await phase("sign-in", 16, SECONDS, () => fullSignIn(take())) : skipped;
  const c4 = wanted("sign-in-c4") ? await load(4, SECONDS, () => fullSignIn(take())) : skipped;
  let statements = NaN;
  if (!ONLY) statements = await countStatements(() => fullSignIn(take()));

  // Wrong codes: 9 per account (the 10th would lock it), over accounts that passed the password step.
  const pending: { jar: Jar; wrong: string; left: number }[] = [];
  // Enough for 3,000 wrong codes a second; 16 accounts stay for the locked phase below.
  const goal = wanted("wrong") ? Math.ceil((SECONDS * 3_000) / 9) : 0;
  await load(16, 60, async () => {
    if (pending.length >= goal || next >= accounts.length - 16) return null;
    const account = take();
    const jar = await passwordStep(account);
    if (jar) pending.push({ jar, wrong: wrongCode(account), left: 9 });
    return jar !== null;
  });
  let cursor = 0;
  const wrong = !wanted("wrong")
    ? skipped
    : await phase("wrong", 16, SECONDS, async () => {
        while (cursor < pending.length && pending[cursor]!.left === 0) cursor++;
        const item = pending[cursor];
        if (!item) return null;
        item.left--;
        return expectAnswer(await postCode(item.jar, item.wrong), "codeWrong");
      });

  // A locked account: 10 wrong codes, then every further post is refused before any comparison.
  const locked = !wanted("locked")
    ? []
    : await Promise.all(
        Array.from({ length: 16 }, async () => {
          const account = take();
          const jar = (await passwordStep(account))!;
          const code = wrongCode(account);
          for (let i = 0; i < 10; i++) await postCode(jar, code);
          return { jar, code };
        }),
      );
  let turn = 0;
  const refusals = !wanted("locked")
    ? skipped
    : await phase("locked", 16, SECONDS, async () => {
        const item = locked[turn++ % locked.length]!;
        return expectAnswer(await postCode(item.jar, item.code), "locked");
      });

  const failures = getSignIn.failures + c16.failures + c4.failures + wrong.failures + refusals.failures;
  return {
    floor,
    floorP95C4: floorC4,
    signInC16: c16.rate,
    p95C16: c16.p95,
    signInC4: c4.rate,
    p95C4: c4.p95,
    wrongCode: wrong.rate,
    lockedRefusal: refusals.rate,
    getSignIn: getSignIn.rate,
    statements,
    failures,
    cpuSignIn: c16.cpuMs,
    cpuWrongCode: wrong.cpuMs,
    cpuLockedRefusal: refusals.cpuMs,
    cpuGetSignIn: getSignIn.cpuMs,
    busyCoresSignIn: c16.busyCores,
    busiestJsThreadSignIn: c16.busiestJsThread,
    ...Object.fromEntries(Object.entries(c16.cpuByRole).map(([role, ms]) => [`cpuSignIn:${role}`, ms])),
    ...Object.fromEntries(Object.entries(refusals.cpuByRole).map(([role, ms]) => [`cpuLockedRefusal:${role}`, ms])),
  };
}

/** A wrong code through the app's own checkCode (with its ±10-step clock search), in this process. */
async function wrongCodeCheck(): Promise<{ checkUs: number; hmacUs: number }> {
  const { checkCode } = (await import(path.join(APP, "lib/totp.ts"))) as typeof import("../lib/totp");
  const key = randomBytes(20);
  const secret = toBase32(key);
  const code = wrongCode({ email: "", key });
  const ROUNDS = 3_000;
  for (let i = 0; i < 200; i++) await checkCode(secret, code, null);
  let start = performance.now();
  for (let i = 0; i < ROUNDS; i++) await checkCode(secret, code, null);
  const checkUs = ((performance.now() - start) * 1000) / ROUNDS;
  start = performance.now();
  for (let i = 0; i < ROUNDS; i++) for (let step = -10; step <= 10; step++) totp(key, Date.now() / 1000 + step * 30);
  return { checkUs, hmacUs: ((performance.now() - start) * 1000) / ROUNDS };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const dbFile = path.resolve(`.tmp/bench-sign-in-${process.pid}.db`);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  rmSync(SQL_DIR, { recursive: true, force: true });
  const encryptionKey = randomBytes(32);
  const authSecret = randomBytes(32).toString("base64");
  let server: ChildProcess | null = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGTERM");
      await Promise.race([exited, pause(15_000)]);
    }
    if (POSTGRES) {
      // The cluster's instances close their connections first.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      execFileSync("bash", ["scripts/pg-throwaway.sh", "stop", PG_DIR]);
    }
    agent.destroy();
    // Server processes still exiting may write their last statement counts here.
    rmSync(SQL_DIR, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
  };
  cleanUp = stop;
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop().finally(() => process.exit(130)));
  let database = dbFile;
  let seeded: Account[][];
  if (POSTGRES) {
    database = execFileSync("bash", ["scripts/pg-throwaway.sh", "start", PG_DIR, String(PORT - 2)], { encoding: "utf8" }).trim();
    const { migratePostgres } = (await import(path.join(APP, "scripts/migrate-pg.ts"))) as typeof import("../scripts/migrate-pg");
    await migratePostgres(database);
    seeded = [];
    for (let run = 0; run <= RUNS; run++) seeded.push(await seedPostgres(database, encryptionKey, run));
  } else {
    const { migrateDatabase } = (await import(path.join(APP, "scripts/migrate.ts"))) as typeof import("../scripts/migrate");
    migrateDatabase(`file:${dbFile}`);
    seeded = await Promise.all(Array.from({ length: RUNS + 1 }, (_, run) => seed(dbFile, encryptionKey, run)));
  }

  server = await startServer(database, authSecret, encryptionKey);
  serverPid = server.pid!;
  try {
    signInForm = hiddenFields((await send("GET", "/sign-in", null, { accept: "text/html" })).body.toString());
    if (process.argv.includes("--trace")) {
      await fullSignIn(seeded[0]![0]!);
      await fullSignIn(seeded[0]![1]!);
      return;
    }
    // The first run warms the server up (V8 compiles the hot paths as they run) and is not counted:
    // the figures are those of a server that has been answering for a while, as in a clinic.
    await measure(seeded[0]!);
    unexpected.clear();
    const runs: Figures[] = [];
    for (const accounts of seeded.slice(1)) runs.push(await measure(accounts));
    const m = (key: string) => median(runs.map((run) => run[key]!));
    const signInJs = await scriptBytes("/sign-in", null);
    const signUpJs = await scriptBytes("/sign-up", null);
    const enrollJs = await enrollPageScripts();
    const rss = peakRss(server.pid!);
    const codeCheck = await wrongCodeCheck();
    const kB = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;

    const rows: [string, string][] = [
      ["argon2id verify floor, c=16 (in the bench process)", `${m("floor").toFixed(0)} /s`],
      ["full sign-in (password + code), c=16", `${m("signInC16").toFixed(0)} /s, p95 ${m("p95C16").toFixed(0)} ms → ${((100 * m("signInC16")) / m("floor")).toFixed(0)} % of floor`],
      ["full sign-in, c=4", `${m("signInC4").toFixed(0)} /s, p95 ${m("p95C4").toFixed(0)} ms (argon2id verify alone at c=4: p95 ${m("floorP95C4").toFixed(0)} ms)`],
      ["wrong code POST, c=16", `${m("wrongCode").toFixed(0)} /s`],
      ["locked account's refusal, c=16", `${m("lockedRefusal").toFixed(0)} /s`],
      ["GET /sign-in, c=16", `${m("getSignIn").toFixed(0)} /s`],
      ["SQL statements per sign-in (BEGIN/COMMIT included; idle background work subtracted)", m("statements").toFixed(1)],
      [
        "server CPU (all processes) per full sign-in / wrong code / locked refusal / GET /sign-in",
        `${m("cpuSignIn").toFixed(1)} / ${m("cpuWrongCode").toFixed(1)} / ${m("cpuLockedRefusal").toFixed(1)} / ${m("cpuGetSignIn").toFixed(1)} ms`,
      ],
      ["server processes; peak RSS of the largest", `${rss.length}; ${rss[0]?.toFixed(0)} MB (all: ${rss.map((mb) => mb.toFixed(0)).join(", ")} MB)`],
      ["JS on the wire: /sign-in, /sign-up, /enroll", `${kB(signInJs.bytes)}, ${kB(signUpJs.bytes)}, ${kB(enrollJs.bytes)} (${[...new Set([...signInJs.encodings, ...enrollJs.encodings])].join(", ")})`],
      ["a wrong TOTP code in-process (checkCode, ±10-step clock search)", `${codeCheck.checkUs.toFixed(0)} µs; 21 plain HMAC-SHA1 codes: ${codeCheck.hmacUs.toFixed(0)} µs`],
      ["failed or unexpected answers", `${runs.reduce((sum, run) => sum + run.failures!, 0)} ${JSON.stringify(Object.fromEntries(unexpected))}`],
    ];
    console.log(`\nSign-in benchmark: ${APP}, ${RUNS} run(s) of ${SECONDS} s per figure after one warm-up run, medians\n`);
    console.log("| measure | result |\n|---|---|");
    for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
    console.log(`\n${JSON.stringify({ app: APP, instances: INSTANCES, database: POSTGRES ? "postgres" : "sqlite", runs, medians: Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, m(k)])), rssMb: rss, js: { signIn: signInJs, signUp: signUpJs, enroll: enrollJs } })}`);
  } finally {
    await stop();
  }
}

/** Stops whatever main() started (servers, nginx, PostgreSQL), also when it fails half-way. */
let cleanUp = async () => {};

void main().then(
  () => process.exit(0),
  async (error: unknown) => {
    console.error(error);
    await cleanUp().catch(() => {});
    process.exit(1);
  },
);
