/**
 * Sign-ins per second on one vs two portal instances behind nginx, on SQLite and on PostgreSQL:
 * bench/sign-in.ts four times (--instances 1|2, --database sqlite|postgres), each with the argon2id
 * verify floor measured in the same run, then one table. Every instance is its own `next start`
 * process; on one machine they share its cores, so two instances can only show what the database
 * lets through, not more CPU.
 *
 *   npm run build && npx tsx --conditions=react-server bench/instances.ts [--seconds 5] [--port 3627]
 */
import { spawnSync } from "node:child_process";

const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
};
const seconds = arg("seconds", "5");
const port = arg("port", process.env.BENCH_PORT ?? "3627");

type Result = { database: string; instances: number; signIns: number; p95: number; floor: number; failures: number };
const results: Result[] = [];
for (const database of ["sqlite", "postgres"]) {
  for (const instances of [1, 2]) {
    const run = spawnSync(
      "node_modules/.bin/tsx",
      ["--conditions=react-server", "bench/sign-in.ts", "--instances", String(instances), "--database", database, "--seconds", seconds, "--port", port],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 },
    );
    const line = run.stdout.split("\n").reverse().find((l) => l.startsWith("{"));
    if (run.status !== 0 || !line) throw new Error(`bench/sign-in.ts failed for ${database} × ${instances}:\n${run.stdout}`);
    const { medians, runs } = JSON.parse(line) as { medians: Record<string, number>; runs: { failures: number }[] };
    results.push({
      database,
      instances,
      signIns: medians.signInC16!,
      p95: medians.p95C16!,
      floor: medians.floor!,
      failures: runs.reduce((sum, r) => sum + r.failures, 0),
    });
    console.error(`${database} × ${instances}: ${medians.signInC16!.toFixed(0)} sign-ins/s`);
  }
}

console.log(`\nSign-ins per second through nginx, c=16, ${seconds} s per figure\n`);
console.log("| database | instances | sign-ins/s | p95 | argon2id floor (same run) | % of floor | vs one instance | failures |");
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const one = results.find((o) => o.database === r.database && o.instances === 1)!;
  console.log(
    `| ${r.database} | ${r.instances} | ${r.signIns.toFixed(0)} | ${r.p95.toFixed(0)} ms | ${r.floor.toFixed(0)} /s | ${((100 * r.signIns) / r.floor).toFixed(0)} % | ×${(r.signIns / one.signIns).toFixed(2)} | ${r.failures} |`,
  );
}
