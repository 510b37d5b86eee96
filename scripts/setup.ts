/**
 * Gets a checkout ready to run: local secrets (created once, never shared between installs),
 * a valid configuration, and a database with every migration applied. `npm start` and
 * `npm run dev` run this first; it is safe to run again and again.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import Database from "better-sqlite3";
import pg from "pg";
import { ConfigError, isPostgresUrl, parseConfig } from "../lib/config-schema";
import { migrateDatabase } from "./migrate";
import { migratePostgres } from "./migrate-pg";

const ENV_FILE = ".env.local";
const root = process.cwd();

function fail(message: string): never {
  console.error(`\n${message}\n`);
  process.exit(1);
}

function ensureLocalSecrets(): void {
  const missing = ["AUTH_SECRET", "ENCRYPTION_KEY"].filter((name) => !process.env[name]?.trim());
  if (missing.length === 0) return;
  if (process.env.NODE_ENV === "production") {
    fail(
      `Refusing to start in production without ${missing.join(" and ")}. Set them in the environment ` +
        "(each: `openssl rand -base64 32`) and keep ENCRYPTION_KEY safe: without it, enrolled authenticators stop working.",
    );
  }
  const lines = [
    `# Created by npm run setup on ${new Date().toISOString()} for this install only. Keep it private and do not commit it.`,
    "# Losing ENCRYPTION_KEY means every patient has to set up their authenticator app again.",
  ];
  if (missing.includes("AUTH_SECRET")) lines.push(`AUTH_SECRET=${randomBytes(32).toString("base64")}`);
  if (missing.includes("ENCRYPTION_KEY")) lines.push(`ENCRYPTION_KEY=${randomBytes(32).toString("base64")}`);
  appendFileSync(path.join(root, ENV_FILE), `${existsSync(path.join(root, ENV_FILE)) ? "\n" : ""}${lines.join("\n")}\n`, {
    mode: 0o600,
  });
  console.log(`Created ${missing.join(" and ")} for this install in ${ENV_FILE} (git ignores it).`);
  loadEnvConfig(root, false, console, true);
}

loadEnvConfig(root);
ensureLocalSecrets();

let config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

async function prepareDatabase(url: string): Promise<number> {
  if (isPostgresUrl(url)) {
    await migratePostgres(url, console.log);
    console.log(`Database ready: PostgreSQL at ${new URL(url).host}.`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ admins: string }>(`SELECT COUNT(*) AS "admins" FROM "User" WHERE "role" = 'admin'`);
      return Number(rows[0]!.admins);
    } finally {
      await client.end();
    }
  }
  const dbFile = url.replace(/^file:/, "");
  mkdirSync(path.dirname(path.resolve(root, dbFile)), { recursive: true });
  migrateDatabase(url);
  console.log(`Database ready: ${dbFile}.`);
  const db = new Database(path.resolve(root, dbFile), { readonly: true });
  const { admins } = db.prepare(`SELECT COUNT(*) AS admins FROM "User" WHERE "role" = 'admin'`).get() as { admins: number };
  db.close();
  return admins;
}

prepareDatabase(config.databaseUrl).then(
  (admins) => {
    const local = `http://localhost:${config.port}`;
    console.log(
      config.appUrl.origin === local
        ? `The portal will be at ${local} (set PORT to use another port).`
        : `The portal will listen on ${local}; patients reach it at ${config.appUrl.origin} (NEXTAUTH_URL).`,
    );
    if (admins === 0) {
      console.log("No admin account yet. Create the first one with: npm run admin -- create-admin --email you@your-clinic.org");
    }
  },
  (error: Error) => fail(error.message),
);
