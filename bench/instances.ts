/**
 * Sign-ins per second on one vs two portal instances behind nginx, on SQLite and on PostgreSQL:
 * bench/sign-in.ts four times (--instances 1|2, --database sqlite|postgres), each with the argon2id
 * verify floor measured in the same run, then one table and a sentence on where the ceiling is.
 * Every instance is its own server process (scripts/serve.ts, WEB_CONCURRENCY=1); the CPU each process spent per sign-in (each
 * instance, nginx, PostgreSQL, the bench client, and the rest of the machine) is read from /proc
 * while the c=16 sign-ins run (bench/support/cpu.ts).
 *
 *   npm run bench:instances -- [--seconds 5] [--port 3627]
 *
 * --port is nginx's; PostgreSQL takes --port minus 2, the instances --port plus 1 and 2. Ctrl-C
 * (or SIGTERM) stops the running configuration's servers, nginx and PostgreSQL before exiting.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpus } from "node:os";
import { hash, verify } from "@node-rs/argon2";

const arg = (name: string, fallback: string) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 && process.argv[index + 1] ? process.argv[index + 1]! : fallback;
};
const seconds = arg("seconds", "5");
const port = arg("port", process.env.BENCH_PORT ?? "3627");
// The same argon2id parameters as lib/password.ts.
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

let child: ChildProcess | null = null;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!child || child.exitCode !== null) process.exit(130);
    // The benchmark stops its own servers and database on the signal, then exits.
    child.kill(signal);
    child.once("exit", () => process.exit(130));
  });
}

function signInBench(database: string, instances: number): Promise<{ json: string; unexpected: string }> {
  return new Promise((resolve, reject) => {
    child = spawn(
      "node_modules/.bin/tsx",
      ["--conditions=react-server", "bench/sign-in.ts", "--instances", String(instances), "--database", database, "--seconds", seconds, "--port", port],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = out.split("\n").reverse().find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`bench/sign-in.ts failed for ${database} × ${instances}:\n${out}`));
      else resolve({ json: line, unexpected: /\| failed or unexpected answers \| (.*) \|/.exec(out)?.[1] ?? "" });
    });
  });
}

/** CPU one argon2id verification costs, in this process, one at a time: the part of a sign-in no deployment can avoid. */
async function argon2CpuMs(): Promise<number> {
  const stored = await hash("argon2 cost probe", ARGON2);
  for (let i = 0; i < 5; i++) await verify(stored, "argon2 cost probe");
  const ROUNDS = 40;
  const before = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i++) await verify(stored, "argon2 cost probe");
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / ROUNDS;
}

type Result = {
  database: string;
  instances: number;
  signIns: number;
  p95: number;
  floor: number;
  failures: number;
  /** What the failures were, as bench/sign-in.ts lists them. */
  unexpected: string;
  busyCores: number;
  /** How busy the busiest instance's JavaScript thread was, 0–1. */
  jsThread: number;
  cores: number;
  /** CPU ms per sign-in by role: "instance 1", "nginx", "postgres", "bench client", "launcher", "other". */
  cpu: Record<string, number>;
};

async function main() {
  const results: Result[] = [];
  for (const database of ["sqlite", "postgres"]) {
    for (const instances of [1, 2]) {
      const { json, unexpected } = await signInBench(database, instances);
      const { medians, runs } = JSON.parse(json) as { medians: Record<string, number>; runs: { failures: number }[] };
      const cpu = Object.fromEntries(
        Object.entries(medians)
          .filter(([key]) => key.startsWith("cpuSignIn:"))
          .map(([key, ms]) => [key.slice("cpuSignIn:".length), ms]),
      );
      results.push({
        database,
        instances,
        signIns: medians.signInC16!,
        p95: medians.p95C16!,
        floor: medians.floor!,
        failures: runs.reduce((sum, r) => sum + r.failures, 0),
        unexpected,
        busyCores: medians.busyCoresSignIn!,
        jsThread: medians.busiestJsThreadSignIn!,
        cores: cpus().length,
        cpu,
      });
      console.error(`${database} × ${instances}: ${medians.signInC16!.toFixed(0)} sign-ins/s`);
    }
  }
  const argon2Ms = await argon2CpuMs();

  const ms = (value: number | undefined) => (value ?? 0).toFixed(1);
  const instanceCpu = (r: Result) => Object.entries(r.cpu).filter(([role]) => role.startsWith("instance "));
  const instancesTotal = (r: Result) => instanceCpu(r).reduce((sum, [, v]) => sum + v, 0);
  console.log(`\nSign-ins per second through nginx, c=16, ${seconds} s per figure; CPU is per sign-in, read from /proc during those ${seconds} s\n`);
  console.log(
    "| database | instances | sign-ins/s | p95 | argon2id floor (same run) | vs floor | 2 vs 1 | CPU per instance | nginx | PostgreSQL | bench client | rest of machine | busy cores | busiest JS thread | failures |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    const one = results.find((o) => o.database === r.database && o.instances === 1)!;
    console.log(
      `| ${r.database} | ${r.instances} | ${r.signIns.toFixed(1)} | ${r.p95.toFixed(0)} ms | ${r.floor.toFixed(1)} /s | ${((100 * r.signIns) / r.floor).toFixed(0)} % | ` +
        `${r.instances === 1 ? "—" : `×${(r.signIns / one.signIns).toFixed(2)}`} | ${instanceCpu(r).map(([, v]) => `${ms(v)} ms`).join(" + ")} | ` +
        `${ms(r.cpu.nginx)} ms | ${r.database === "postgres" ? `${ms(r.cpu.postgres)} ms` : "—"} | ${ms(r.cpu["bench client"])} ms | ${ms(r.cpu.other)} ms | ` +
        `${r.busyCores.toFixed(2)} of ${r.cores} | ${(100 * r.jsThread).toFixed(0)} % | ${r.failures} |`,
    );
  }
  const failures = results.reduce((sum, r) => sum + r.failures, 0);
  console.log(`\nOne argon2id verification costs ${argon2Ms.toFixed(1)} ms of CPU (measured in this process). Failed or unexpected answers: ${failures}.`);
  for (const r of results.filter((r) => !/^0 \{\}$/.test(r.unexpected))) console.log(`  ${r.database} × ${r.instances}: ${r.unexpected}`);
  // Where the ceiling is, from the figures above.
  const cores = results[0]!.cores;
  const leastBusy = Math.min(...results.map((r) => r.busyCores / r.cores));
  const range = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  const ratio = (database: string) => {
    const [one, two] = [1, 2].map((n) => results.find((r) => r.database === database && r.instances === n)!);
    return `×${(two!.signIns / one!.signIns).toFixed(2)}`;
  };
  const perSignIn = `per sign-in the portal instances together used ${range(results.map(instancesTotal))} ms of CPU (one argon2id verification: ${argon2Ms.toFixed(1)} ms), the bench client ${range(results.map((r) => r.cpu["bench client"] ?? 0))} ms, nginx ${range(results.map((r) => r.cpu.nginx ?? 0))} ms, PostgreSQL ${range(results.filter((r) => r.database === "postgres").map((r) => r.cpu.postgres ?? 0))} ms, other processes ${range(results.map((r) => r.cpu.other ?? 0))} ms`;
  const ours = (r: Result) => Object.entries(r.cpu).reduce((sum, [role, v]) => sum + (role === "other" ? 0 : v), 0);
  const othersShare = Math.max(...results.map((r) => (r.cpu.other ?? 0) / (ours(r) + (r.cpu.other ?? 0))));
  const instancesShare = Math.min(...results.map((r) => instancesTotal(r) / ours(r)));
  const ownEater =
    `Of the deployment's own processes the portal instances eat the CPU (at least ${(100 * instancesShare).toFixed(0)} % of what it used; ` +
    `one argon2id verification is ${argon2Ms.toFixed(1)} ms of their ${range(results.map(instancesTotal))} ms per sign-in, the rest is everything else in the password and code steps), nginx and PostgreSQL little.`;
  const meanInstanceCpu = (n: number) => {
    const rows = results.filter((r) => r.instances === n);
    return (rows.reduce((sum, r) => sum + instancesTotal(r), 0) / rows.length).toFixed(1);
  };
  const twoProcesses = `Two instances on these cores spend ${meanInstanceCpu(2)} ms of instance CPU per sign-in against ${meanInstanceCpu(1)} ms for one.`;
  const verdict =
    othersShare > 0.2
      ? `${twoProcesses} Other processes took up to ${(100 * othersShare).toFixed(0)} % of the machine meanwhile (it is shared), so the sign-ins got only part of the cores ` +
        `and 2 vs 1 (${ratio("sqlite")} on SQLite, ${ratio("postgres")} on PostgreSQL) also reflects how much of them each run won from the rest; rerun it quiet for the ceiling itself.`
      : `${twoProcesses} 2 vs 1: ${ratio("sqlite")} on SQLite, ${ratio("postgres")} on PostgreSQL — a second instance on the same cores adds only what one JavaScript thread left idle; ` +
        `beyond that, more sign-ins per second need more cores (instances on their own machines), and then the database's writes per sign-in.`;
  const others = othersShare > 0.1 && othersShare <= 0.2 ? ` Other processes took up to ${(100 * othersShare).toFixed(0)} % of the machine's busy time ("rest of machine"): rerun it quiet for clean figures.` : "";
  if (leastBusy >= 0.9) {
    console.log(`\nCeiling: CPU. During the c=16 sign-ins the ${cores} cores were at least ${(100 * leastBusy).toFixed(0)} % busy in every configuration; ${perSignIn}. ${ownEater} ${verdict}${others}`);
    return;
  }
  // Below full cores: find what did not use them. One instance is one JavaScript thread.
  const single = results.filter((r) => r.instances === 1);
  const threadBound = single.every((r) => r.jsThread >= 0.85);
  const idle = results.filter((r) => r.busyCores / r.cores < 0.9).map((r) => `${r.database} × ${r.instances}: ${(100 * r.busyCores / r.cores).toFixed(0)} % of the cores, busiest JavaScript thread ${(100 * r.jsThread).toFixed(0)} %`);
  const lead = threadBound
    ? `Ceiling: one instance is bound by its single JavaScript thread (busy ${single.map((r) => `${(100 * r.jsThread).toFixed(0)} %`).join(" and ")} of the time, while argon2 runs beside it on libuv's pool), so it leaves part of the ${cores} cores idle (${idle.join("; ")}); two instances fill the cores (CPU-bound).`
    : `Ceiling: neither the cores nor one JavaScript thread were full (${idle.join("; ")}): requests also waited on something that spends no CPU ` +
      `(libuv's queue in front of the password hashes, the database's locks, the network); this benchmark does not tell which.`;
  console.log(`\n${lead} ${perSignIn[0]!.toUpperCase()}${perSignIn.slice(1)}. ${ownEater} ${verdict}${others}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
