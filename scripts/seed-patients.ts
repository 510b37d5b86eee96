/**
 * Fills a database with made-up patients for trying the admin dashboard at scale.
 *
 *   npm run seed:patients -- [--count 100000]        (into DATABASE_URL, default prisma/dev.db)
 *
 * Seeded accounts use @example.test addresses and one shared, random, unprinted password: they
 * show up in the dashboard but nobody can sign in as them. About 70% look enrolled, a few locked.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";
import { hash } from "@node-rs/argon2";
import Database from "better-sqlite3";

const FIRST = ["ana", "ben", "chloe", "david", "elif", "farah", "george", "hana", "ivan", "julia", "kofi", "lena", "mateo", "nora", "omar", "priya", "quinn", "rosa", "sven", "tariq", "uma", "vera", "wei", "ximena", "yusuf", "zoe"];
const LAST = ["adams", "berg", "costa", "dubois", "evans", "fischer", "garcia", "haddad", "ito", "jensen", "kowalski", "lopez", "moreau", "novak", "okafor", "petrov", "quist", "rossi", "silva", "tanaka", "ulrich", "vogel", "weber", "xu", "yilmaz", "zimmer"];

const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const pick = <T>(list: T[], n: number) => list[n % list.length]!;

export async function seedPatients(dbFile: string, count: number): Promise<number> {
  const passwordHash = await hash(randomBytes(32).toString("base64"), { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const db = new Database(dbFile);
  db.pragma("journal_mode = WAL");
  const insertUser = db.prepare(
    `INSERT OR IGNORE INTO "User" (id, email, name, nameSearch, role, passwordHash, enrolledAt, lastSignInAt, createdAt, updatedAt)
     VALUES (?, ?, ?, ?, 'patient', ?, ?, ?, ?, ?)`,
  );
  const insertLock = db.prepare(`INSERT OR IGNORE INTO "RateLimit" (key, count, windowStart, lockedUntil, lockouts, version, updatedAt) VALUES (?, 0, ?, ?, 1, 0, ?)`);
  const now = Date.now();
  const run = db.transaction((from: number, to: number) => {
    let added = 0;
    for (let i = from; i < to; i++) {
      const first = pick(FIRST, i * 7);
      const last = pick(LAST, Math.floor(i / FIRST.length) * 3 + i);
      const id = `seed${i.toString(36).padStart(8, "0")}`;
      const name = `${first[0]!.toUpperCase()}${first.slice(1)} ${last[0]!.toUpperCase()}${last.slice(1)}`;
      const created = now - (i % 700) * 86_400_000;
      const enrolled = i % 10 < 7 ? sqliteTime(created + 600_000) : null;
      const signedIn = enrolled && i % 3 !== 0 ? sqliteTime(now - (i % 90) * 86_400_000) : null;
      added += insertUser.run(id, `${first}.${last}.${i}@example.test`, name, name.toLowerCase(), passwordHash, enrolled, signedIn, sqliteTime(created), sqliteTime(now)).changes;
      if (i % 500 === 0) insertLock.run(`code:account:${id}`, sqliteTime(now), sqliteTime(now + 3_600_000), sqliteTime(now));
    }
    return added;
  });
  let added = 0;
  for (let from = 0; from < count; from += 10_000) added += run(from, Math.min(count, from + 10_000));
  db.close();
  return added;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  const { values } = parseArgs({ options: { count: { type: "string", default: "100000" } } });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1 || count > 2_000_000) {
    console.error("--count must be a whole number from 1 to 2000000.");
    process.exit(2);
  }
  const file = (process.env.DATABASE_URL ?? "file:./prisma/dev.db").replace(/^file:/, "");
  const started = Date.now();
  seedPatients(file, count).then((added) => {
    console.log(`Added ${added} made-up patients to ${file} in ${((Date.now() - started) / 1000).toFixed(1)} s (already present: ${count - added}).`);
  });
}
