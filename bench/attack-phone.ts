/**
 * What an attacker gets from codes by text or call, against the real limits on a fresh SQLite
 * database (the same functions the pages call; no HTTP, no provider). Time is simulated: whenever
 * a limit or the cooldown refuses, every stored time is moved into the past by as much as the
 * refusal asks to wait, until 24 simulated hours have passed.
 *
 *   npm run attack:phone [-- --guesses 10000]
 *
 * Scenarios:
 *  - messages per account: someone with the patient's password asks for a code again and again,
 *    each time from a new address (so only the account and number budgets can stop it);
 *  - messages per address: one address sets up phones for fresh accounts and new numbers (SMS pumping);
 *  - guessing: wrong codes for a texted code, new codes asked for whenever the old one expires.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../scripts/migrate";

const guesses = Number(process.argv[process.argv.indexOf("--guesses") + 1]) || 10_000;
const DAY_MS = 24 * 3600_000;
const dbFile = path.resolve(".tmp/attack-phone.db");
mkdirSync(path.dirname(dbFile), { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
Object.assign(process.env, {
  DATABASE_URL: `file:${dbFile}`,
  AUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  NEXTAUTH_URL: "http://127.0.0.1:3999",
  PHONE_CODES: "sms+voice",
});
migrateDatabase(`file:${dbFile}`);

const randomAddress = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
let mobile = 100_000;
const nextMobile = () => `07400 ${String(mobile++).padStart(6, "0")}`;

async function main() {
  const { getDb } = await import("../lib/db");
  const { registerPatient } = await import("../lib/users");
  const { sendSignInCode, startPhoneSetup } = await import("../lib/factors/phone/phones");
  const { passSecondFactor } = await import("../lib/second-factor");
  const { openBody } = await import("../lib/messaging/outbox");
  const db = getDb();

  /** Moves every stored time back by `ms`: the same as that much time passing. */
  async function travel(ms: number) {
    const back = (value: Date | null) => (value ? new Date(value.getTime() - ms) : null);
    for (const row of await db.rateLimit.findMany()) {
      await db.rateLimit.update({ where: { key: row.key }, data: { windowStart: back(row.windowStart)!, lockedUntil: back(row.lockedUntil), updatedAt: back(row.updatedAt)! } });
    }
    for (const row of await db.phoneCode.findMany({ select: { id: true, createdAt: true, expiresAt: true } })) {
      await db.phoneCode.update({ where: { id: row.id }, data: { createdAt: back(row.createdAt)!, expiresAt: back(row.expiresAt)! } });
    }
  }

  /** How long the refusal asks to wait: the latest lock still running, or the 30-second cooldown. */
  async function waitMs(): Promise<number> {
    const locks = await db.rateLimit.findMany({ where: { lockedUntil: { gt: new Date() } }, select: { lockedUntil: true } });
    const longest = Math.max(0, ...locks.map((row) => row.lockedUntil!.getTime() - Date.now()));
    return Math.max(longest, 31_000);
  }

  async function patientWithPhone(address: string) {
    const created = await registerPatient({ email: `target-${randomUUID()}@example.test`, password: "attack bench password", name: null });
    if (!created.ok) throw new Error("could not create a patient");
    const setup = randomUUID();
    const number = nextMobile();
    const sent = await startPhoneSetup({ userId: created.user.id, challengeId: setup, number, channel: "sms", ip: address });
    if (!sent.ok) return { userId: created.user.id, confirmed: false };
    const row = await db.outboxMessage.findFirstOrThrow({ where: { userId: created.user.id }, orderBy: { createdAt: "desc" } });
    const code = openBody(row.messageId, row.body).text.slice(0, 6);
    const confirmed = await passSecondFactor({ userId: created.user.id, purpose: "enroll", code, ip: address, keyOwnerId: setup });
    return { userId: created.user.id, confirmed: confirmed.ok };
  }

  const phoneSends = async (where: object) => db.outboxMessage.count({ where: { ...where, channel: { in: ["sms", "voice"] } } });

  // 1. Messages per account in a day, the attacker knowing the password, from ever-new addresses.
  {
    await db.rateLimit.deleteMany();
    const { userId } = await patientWithPhone(randomAddress());
    const before = await phoneSends({ userId });
    let simulated = 0;
    let requests = 0;
    while (simulated < DAY_MS) {
      requests++;
      const result = await sendSignInCode({ userId, challengeId: randomUUID(), channel: requests % 2 ? "sms" : "voice", ip: randomAddress() });
      if (!result.ok) {
        const wait = await waitMs();
        simulated += wait;
        await travel(wait);
      }
    }
    console.log("\n== messages per account (password known, a new address for every request)");
    console.log(`requests: ${requests} over 24 simulated hours`);
    console.log(`texts and calls sent: ${(await phoneSends({ userId })) - before} per day, plus the setup code (budget: 3 per 15 minutes, 10 per day)`);
  }

  // 2. Messages per address in a day: fresh accounts and fresh numbers, all from one address.
  {
    await db.rateLimit.deleteMany();
    const address = randomAddress();
    const before = await phoneSends({});
    let simulated = 0;
    let requests = 0;
    while (simulated < DAY_MS) {
      requests++;
      const created = await registerPatient({ email: `pump-${randomUUID()}@example.test`, password: "attack bench password", name: null });
      if (!created.ok) throw new Error("could not create an account");
      const result = await startPhoneSetup({ userId: created.user.id, challengeId: randomUUID(), number: nextMobile(), channel: "voice", ip: address });
      if (!result.ok) {
        const wait = await waitMs();
        simulated += wait;
        await travel(wait);
      }
    }
    console.log("\n== messages per address (one address, a fresh account and number for every request)");
    console.log(`requests: ${requests} over 24 simulated hours`);
    console.log(`texts and calls sent: ${(await phoneSends({})) - before} per day (budget: 10 per hour, 30 per day per address)`);
  }

  // 3. Guessing a texted code.
  {
    await db.rateLimit.deleteMany();
    const { userId } = await patientWithPhone(randomAddress());
    let challengeId = randomUUID();
    let real = "";
    const fresh = async () => {
      challengeId = randomUUID();
      const sent = await sendSignInCode({ userId, challengeId, channel: "sms", ip: randomAddress() });
      if (!sent.ok) return false;
      const row = await db.outboxMessage.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
      real = openBody(row.messageId, row.body).text.slice(0, 6);
      return true;
    };
    await fresh();
    const outcomes: Record<string, number> = {};
    let simulated = 0;
    let successes = 0;
    for (let i = 0; i < guesses; i++) {
      let guess = String(randomBytes(4).readUInt32BE() % 1_000_000).padStart(6, "0");
      // The right code is never sent: this measures the limits, not luck.
      if (guess === real) guess = String((Number(guess) + 1) % 1_000_000).padStart(6, "0");
      const result = await passSecondFactor({ userId, purpose: "sign-in", code: guess, ip: randomAddress(), keyOwnerId: challengeId });
      const key = result.ok ? "signed-in" : result.message.split(":")[0]!;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (result.ok) successes++;
      if (key === "locked" && simulated < DAY_MS) {
        const wait = await waitMs();
        simulated += wait;
        await travel(wait);
        // The code sent before the pause has expired; the attacker asks for a new one.
        if (!(await fresh()) && simulated < DAY_MS) {
          const more = await waitMs();
          simulated += more;
          await travel(more);
          await fresh();
        }
      }
    }
    const compared = await db.securityEvent.count({ where: { userId, type: "code-wrong" } });
    console.log("\n== guessing a texted code (new addresses, new codes after every pause)");
    console.log(`guesses: ${guesses}, successes: ${successes}`);
    console.log(`codes the server compared: ${compared} over ${(simulated / 3600_000).toFixed(1)} simulated hours`);
    console.log(`answers: ${JSON.stringify(outcomes)}`);
    process.exitCode = successes === 0 ? 0 : 1;
  }
}

void main();
