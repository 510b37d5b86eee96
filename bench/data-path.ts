/**
 * The database work of one full sign-in, in-process and without Next.js: the password step (with
 * a cheap argon2 hash, so the figure is not argon2's), the challenge, the code check with its
 * limits and replay guard, the sign-in time, the session row and the activity entry, as the two
 * requests of a sign-in make them. Prints CPU ms per sign-in for this checkout and, with --app,
 * for another one, in alternating runs (separate processes, fresh databases), so both see the
 * same load on a shared machine.
 *
 *   npx tsx --conditions=react-server bench/data-path.ts --app ../previous-checkout --runs 2
 */
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { hash } from "@node-rs/argon2";

const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
};
const SIGN_INS = Number(arg("sign-ins", "300"));
const WARM_UP = 50;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const toBase32 = (bytes: Buffer) => {
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  return (bits.match(/.{1,5}/g) ?? []).map((chunk) => ALPHABET[parseInt(chunk.padEnd(5, "0"), 2)]).join("");
};
function totp(key: Buffer): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/** One measurement of one checkout, in this process (the child side). */
async function measureApp(app: string, dbFile: string): Promise<void> {
  const encryptionKey = randomBytes(32);
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: `file:${dbFile}`,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: encryptionKey.toString("base64"),
    NEXTAUTH_URL: "http://127.0.0.1:3999",
    IP_ATTEMPTS_PER_15_MIN: "100000",
  });
  const load = (file: string) => import(path.join(app, file));
  (await load("scripts/migrate.ts")).migrateDatabase(`file:${dbFile}`);
  const { encryptSecret } = await load("lib/crypto.ts");
  const cheapHash = await hash("pw", { algorithm: 2, memoryCost: 64, timeCost: 1, parallelism: 1 });
  const db = new Database(dbFile);
  const now = new Date().toISOString().replace("Z", "+00:00");
  const insert = db.prepare(
    `INSERT INTO "User" (id, email, role, passwordHash, totpSecret, enrolledAt, recoveryCodesIssuedAt, emailConfirmedAt, createdAt, updatedAt) VALUES (?, ?, 'patient', ?, ?, ?, ?, ?, ?, ?)`,
  );
  const users: { id: string; email: string; key: Buffer }[] = [];
  db.transaction(() => {
    for (let i = 0; i < SIGN_INS + WARM_UP; i++) {
      const user = { id: `u${i}`, email: `u${i}@example.test`, key: randomBytes(20) };
      insert.run(user.id, user.email, cheapHash, encryptSecret(toBase32(user.key), encryptionKey, `totp-secret:${user.id}`), now, now, now, now, now);
      users.push(user);
    }
  })();
  db.close();

  const { passPasswordStep } = await load("lib/password-step.ts");
  const { createChallenge, findChallenge, consumeChallenge } = await load("lib/challenge.ts");
  const { passSecondFactor } = await load("lib/second-factor.ts");
  const { markSignedIn } = await load("lib/users.ts");
  const { createSession } = await load("lib/sessions.ts");
  const { recordEvent } = await load("lib/security-events.ts");
  const { isEmailConfirmed } = await load("lib/sign-up.ts");
  const { factorsOf } = await load("lib/factors/registry.ts");
  const ip = "127.0.0.1";

  async function signIn(user: (typeof users)[number]) {
    const password = await passPasswordStep(user.email, "pw", ip);
    if (!password.ok) throw new Error(`password step: ${password.message}`);
    // Checkouts whose password step does not report these read them separately, as their sign-in action did.
    if (!("emailConfirmed" in password)) await isEmailConfirmed(user.id);
    const { token } = await createChallenge(user.id, "sign-in");
    if (!("hasApp" in password)) await factorsOf(user.id);
    const challenge = await findChallenge(token);
    const code = await passSecondFactor({ userId: user.id, purpose: "sign-in", code: totp(user.key), ip, keyOwnerId: challenge.id });
    if (!code.ok) throw new Error(`code step: ${code.message}`);
    if (!(await consumeChallenge(token))) throw new Error("challenge already used");
    await markSignedIn(user.id);
    await createSession({ userId: user.id, method: "totp", ip, userAgent: "bench" });
    await recordEvent("sign-in", user.id, ip);
  }
  for (const user of users.slice(SIGN_INS)) await signIn(user);
  const start = process.cpuUsage();
  for (const user of users.slice(0, SIGN_INS)) await signIn(user);
  const used = process.cpuUsage(start);
  console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000 / SIGN_INS }));
}

async function main() {
  const child = arg("child", "");
  if (child) return measureApp(path.resolve(child), path.resolve(arg("db", "")));
  const apps = [path.resolve(".")];
  if (process.argv.includes("--app")) apps.unshift(path.resolve(arg("app", ".")));
  const runs = Number(arg("runs", "2"));
  const dir = path.resolve(`.tmp/bench-data-path-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const figures = new Map<string, number[]>(apps.map((app) => [app, []]));
  try {
    for (let run = 0; run < runs; run++) {
      for (const app of apps) {
        const dbFile = path.join(dir, `run${run}-${apps.indexOf(app)}.db`);
        const out = execFileSync(process.execPath, [...process.execArgv, __filename, "--child", app, "--db", dbFile, "--sign-ins", String(SIGN_INS)], {
          cwd: existsSync(path.join(app, "node_modules")) ? app : process.cwd(),
          encoding: "utf8",
        });
        figures.get(app)!.push(JSON.parse(out.trim().split("\n").pop()!).cpuMs);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(`\nDatabase work of one full sign-in, in-process: CPU ms per sign-in (${runs} alternating runs of ${SIGN_INS})\n`);
  console.log("| checkout | CPU per sign-in |\n|---|---|");
  for (const app of apps) console.log(`| ${app} | ${mean(figures.get(app)!).toFixed(1)} ms (runs: ${figures.get(app)!.map((ms) => ms.toFixed(1)).join(", ")}) |`);
  if (apps.length === 2) console.log(`\nratio (this checkout / ${apps[0]}): ${(mean(figures.get(apps[1]!)!) / mean(figures.get(apps[0]!)!)).toFixed(2)}`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
