/**
 * How the admin dashboard's queries scale: the same lib/admin.ts calls timed on a database of
 * 1,000 patients (the baseline) and one of 100,000, each a fresh file built from the migrations.
 * Prints medians and the 100k/1k ratio (an index range read stays near 1; a scan grows ~100×),
 * and SQLite's query plans.
 *
 *   npx tsx bench/admin-search.ts
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../scripts/migrate";
import { seedPatients } from "../scripts/seed-patients";

const SIZES = [1_000, 100_000];
const RUNS = 25;

type Timings = Record<string, number>;

async function child(): Promise<void> {
  const admin = await import("../lib/admin");
  const { listAudit } = await import("../lib/audit");
  const { getDb } = await import("../lib/db");
  const middle = (await getDb().user.findMany({ orderBy: { email: "asc" }, skip: Math.floor(Number(process.env.BENCH_SIZE) / 2), take: 1, select: { email: true, id: true } }))[0]!;
  const cases: Record<string, () => Promise<unknown>> = {
    "first page, no search": () => admin.searchAccounts("", null),
    "email prefix 'nora.'": () => admin.searchAccounts("nora.", null),
    "name words 'hana ito'": () => admin.searchAccounts("hana ito", null),
    "surname 'Tanaka'": () => admin.searchAccounts("Tanaka", null),
    "first name 'zoe' (last by email)": () => admin.searchAccounts("zoe", null),
    "part of an email 'kowalski.7'": () => admin.searchAccounts("kowalski.7", null),
    "one in 100k 'okafor.9999'": () => admin.searchAccounts("okafor.9999", null),
    "in every email '.test'": () => admin.searchAccounts(".test", null),
    "no match 'qqqzzz'": () => admin.searchAccounts("qqqzzz", null),
    "page in the middle (keyset)": () => admin.searchAccounts("", middle.email),
    "one patient's detail": () => admin.getAccountDetail(middle.id),
    "audit log, filtered by patient": () => listAudit({ patient: middle.email }),
  };
  const out: Timings = {};
  const p95: Timings = {};
  for (const [name, run] of Object.entries(cases)) {
    await run();
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint();
      await run();
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    out[name] = samples.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
    p95[name] = samples[Math.ceil(RUNS * 0.95) - 1]!;
  }
  const plan = await getDb().$queryRawUnsafe<{ detail: string }[]>(
    `EXPLAIN QUERY PLAN SELECT id FROM "User" WHERE "nameSearch" >= 'hana ito' AND "nameSearch" < 'hana ito\u{10FFFF}' AND email > '' ORDER BY email LIMIT 26`,
  );
  console.log(JSON.stringify({ timings: out, p95, plan: plan.map((row) => row.detail) }));
}

async function parent(): Promise<void> {
  const results: Record<number, { timings: Timings; p95: Timings; plan: string[] }> = {};
  for (const size of SIZES) {
    const file = path.resolve(`.tmp/bench-admin-${size}.db`);
    mkdirSync(path.dirname(file), { recursive: true });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    migrateDatabase(`file:${file}`);
    const started = Date.now();
    await seedPatients(file, size);
    console.log(`seeded ${size} patients in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const output = execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", __filename, "--child"], {
      encoding: "utf8",
      env: {
        ...process.env,
        BENCH_SIZE: String(size),
        DATABASE_URL: `file:${file}`,
        AUTH_SECRET: randomBytes(32).toString("base64"),
        ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      },
    });
    results[size] = JSON.parse(output.trim().split("\n").pop()!);
  }
  const [small, large] = SIZES.map((size) => results[size]!);
  console.log(`\nmedian of ${RUNS} runs, ms      ${SIZES.map((s) => `${s.toLocaleString("en")} patients`.padStart(18)).join("")}   ratio   p95 at ${SIZES[1]!.toLocaleString("en")}`);
  for (const name of Object.keys(small!.timings)) {
    const a = small!.timings[name]!;
    const b = large!.timings[name]!;
    console.log(`${name.padEnd(32)}${a.toFixed(2).padStart(18)}${b.toFixed(2).padStart(18)}   ${(b / a).toFixed(2).padStart(5)}×   ${large!.p95[name]!.toFixed(2).padStart(8)}`);
  }
  console.log(`\nquery plan for the name search at ${SIZES[1]!.toLocaleString("en")}: ${large!.plan.join(" | ")}`);
}

void (process.argv.includes("--child") ? child() : parent());
