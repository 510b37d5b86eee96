/** Serves the built app for the browser tests on a database made fresh from the migrations. */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { migrateDatabase } from "./migrate";

const url = process.env.DATABASE_URL ?? "file:./.tmp/e2e.db";
const file = path.resolve(url.replace(/^file:/, ""));
mkdirSync(path.dirname(file), { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
migrateDatabase(url);

// As production runs it: scripts/serve.ts, one server process per core sharing the database.
const server = spawn("node_modules/.bin/tsx", ["scripts/serve.ts"], {
  stdio: "inherit",
  env: { ...process.env, PORT: process.env.E2E_PORT ?? "3100", HOSTNAME: "127.0.0.1" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
