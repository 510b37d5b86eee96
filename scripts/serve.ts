/**
 * `npm start` / `npm run serve`: the built portal in WEB_CONCURRENCY server processes (default:
 * one per CPU core), all listening on one port through node:cluster and sharing the SQLite file.
 * That is safe because everything shared lives in the database: sessions, challenges, limits
 * (atomic upserts) and the replay guard (conditional UPDATEs); SQLite's WAL lets them read while
 * one writes. A process that dies is replaced; SIGINT/SIGTERM stop them all.
 */
import cluster from "node:cluster";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { ConfigError, parseConfig, parseServerConfig, type ServerConfig } from "../lib/config-schema";

const root = process.cwd();
/** A process that dies sooner than this after starting counts as a failed start. */
const QUICK_EXIT_MS = 10_000;

function readConfig(): ServerConfig {
  loadEnvConfig(root, false, { info: () => {}, error: console.error });
  // Next.js runs its server as "production" either way. Without NODE_ENV=production from the
  // operator this is a trial on this machine (the quick start), which names its own address; a
  // deployment says NODE_ENV=production and must set its https NEXTAUTH_URL (lib/config-schema.ts).
  try {
    if (process.env.NODE_ENV === undefined && !process.env.NEXTAUTH_URL?.trim()) {
      process.env.NEXTAUTH_URL = `http://localhost:${parseServerConfig(process.env).port}`;
    }
    // The app's own settings too: better one clear message here than one per process.
    parseConfig(process.env);
    return parseServerConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const config = readConfig();
/**
 * A process holds about 60 MB of live objects, but under a burst V8 let its heap grow to three or
 * four times that before collecting (peaks of 190-220 MB of heap, 350 MB resident). With growth
 * held to 1.5× the live size after each full collection the peak heap stays near 130 MB, at no
 * measurable CPU cost per request (README, "Performance").
 */
const WORKER_V8_FLAGS = ["--heap-growing-percent=50"];
/** `npm run dev`: one process, Next.js's development server behind the same request checks. */
const dev = process.argv.includes("--dev");
cluster.setupPrimary({ exec: path.join(__dirname, "serve-worker.mjs"), execArgv: WORKER_V8_FLAGS });

let stopping = false;
let quickExits = 0;
const startedAt = new Map<number, number>();

function fork(): void {
  // libuv reads its pool size when a process starts, so it is set here for each one.
  const worker = cluster.fork({ SERVE_OPTIONS: JSON.stringify({ port: config.port, hostname: config.hostname, dev }), UV_THREADPOOL_SIZE: String(config.hashThreads) });
  startedAt.set(worker.id, Date.now());
}

cluster.on("exit", (worker, code, signal) => {
  if (stopping) return;
  const quick = Date.now() - (startedAt.get(worker.id) ?? 0) < QUICK_EXIT_MS;
  startedAt.delete(worker.id);
  quickExits = quick ? quickExits + 1 : 0;
  // A server that cannot start (port taken, bad build) would only fail again: stop instead.
  if (quickExits > processes) {
    console.error("Server processes keep exiting right after they start; stopping. See the messages above.");
    process.exit(1);
  }
  console.error(`Server process ${worker.process.pid} exited (${signal ?? code}); starting another.`);
  fork();
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    setTimeout(() => process.exit(0), 5_000).unref();
    cluster.on("exit", () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  });
}

const processes = dev ? 1 : config.processes;
for (let i = 0; i < processes; i++) fork();
const where = `${config.hostname ?? "all interfaces"}, port ${config.port}`;
console.log(`Portal${dev ? " (development)" : ""}: ${processes} server process${processes === 1 ? "" : "es"} on ${where} (WEB_CONCURRENCY).`);
