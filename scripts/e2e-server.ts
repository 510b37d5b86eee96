/** Serves the built app for the browser tests on a database made fresh from the migrations, with a real SMTP server beside it. */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startSmtpServer } from "../tests/support/smtp";
import { migrateDatabase } from "./migrate";

const url = process.env.DATABASE_URL ?? "file:./.tmp/e2e.db";
const file = path.resolve(url.replace(/^file:/, ""));
mkdirSync(path.dirname(file), { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
migrateDatabase(url);

// The portal mails through a real SMTP server; the browser tests read what it received from files.
const mailDir = process.env.E2E_MAIL_DIR ?? ".tmp/e2e-mail";
rmSync(mailDir, { recursive: true, force: true });
mkdirSync(mailDir, { recursive: true });
let received = 0;

async function main() {
  const smtp = await startSmtpServer({
    port: Number(process.env.E2E_SMTP_PORT),
    onMessage: ({ raw }) => writeFileSync(path.join(mailDir, `${String(++received).padStart(5, "0")}.eml`), raw),
  });
  // As production runs it: scripts/serve.ts, one server process per core sharing the database.
  const server = spawn("node_modules/.bin/tsx", ["scripts/serve.ts"], {
    stdio: "inherit",
    env: { ...process.env, PORT: process.env.E2E_PORT ?? "3100", HOSTNAME: "127.0.0.1" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => {
    void smtp.close();
    process.exit(code ?? 0);
  });
}

void main();
