/**
 * Can the answer time tell whether an email has an account? Times the server side of sign-up and
 * of "forgot your password" (up to its answer) for emails with a confirmed account (the baseline) and for emails
 * without, interleaved, and prints medians and the ratio (1.00× means indistinguishable). The
 * responses themselves are identical by construction ("check your email" / "if an account uses
 * that email"); tests/sign-up.test.ts and tests/e2e/mail.spec.ts check that.
 *
 *   npm run bench:enumeration
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "../scripts/migrate";

const RUNS = 40;

async function child(): Promise<void> {
  const { requestSignUp } = await import("../lib/sign-up");
  const { requestPasswordReset } = await import("../lib/password-reset");
  const { registerPatient } = await import("../lib/users");
  const existing: string[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const email = `known-${i}-${randomBytes(4).toString("hex")}@example.test`;
    await registerPatient({ email, password: "a known patient password", name: null });
    existing.push(email);
  }
  const deferred: (() => Promise<void>)[] = [];
  const fresh = (i: number) => `new-${i}-${randomBytes(4).toString("hex")}@example.test`;
  const ip = (i: number) => `198.51.100.${i % 250}`;
  const cases = {
    "sign-up": (email: string) => requestSignUp({ email, password: "someone's new password", name: null }),
    // As the web action runs it: the account-dependent part after the answer (Next.js `after`).
    "forgot password": async (email: string, i: number) => {
      await requestPasswordReset(email, ip(i), (work) => void deferred.push(work));
    },
  };
  const out: Record<string, { known: number; unknown: number }> = {};
  for (const [name, run] of Object.entries(cases)) {
    await run(existing[RUNS]!, 0);
    await run(fresh(999), 0);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      for (const [list, email] of [
        [known, existing[i]!],
        [unknown, fresh(i)],
      ] as const) {
        const start = process.hrtime.bigint();
        await run(email, i);
        list.push(Number(process.hrtime.bigint() - start) / 1e6);
        for (const work of deferred.splice(0)) await work();
      }
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    out[name] = { known: median(known), unknown: median(unknown) };
  }
  console.log(JSON.stringify(out));
}

function parent(): void {
  const file = path.resolve(".tmp/bench-enumeration.db");
  mkdirSync(path.dirname(file), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  migrateDatabase(`file:${file}`);
  const output = execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", __filename, "--child"], {
    encoding: "utf8",
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: `file:${file}`,
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      NEXTAUTH_URL: "http://127.0.0.1:3000",
    },
  });
  const results = JSON.parse(output.trim().split("\n").pop()!) as Record<string, { known: number; unknown: number }>;
  console.log(`median of ${RUNS} runs, ms     has an account    no account   ratio`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(24)}${r.known.toFixed(2).padStart(15)}${r.unknown.toFixed(2).padStart(14)}   ${(r.unknown / r.known).toFixed(2)}×`);
  }
}

void (process.argv.includes("--child") ? child() : parent());
