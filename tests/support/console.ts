import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { beforeAll } from "vitest";
import { migrateDatabase } from "../../scripts/migrate";

const repo = path.resolve(__dirname, "../..");

/**
 * The admin console as an operator runs it: a separate process in its own working directory, on
 * its own database made from the migrations (before the file's tests), with piped input; and a
 * read-only look at that database, the way an auditor would.
 */
export function useAdminConsole(name: string) {
  const dir = mkdtempSync(path.join(tmpdir(), `clinic-${name}-`));
  const dbFile = path.join(dir, `${name}.db`);
  const env = {
    PATH: process.env.PATH!,
    DATABASE_URL: `file:${dbFile}`,
    AUTH_SECRET: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
  beforeAll(() => migrateDatabase(`file:${dbFile}`));

  function admin(args: string[], input = "") {
    const run = spawnSync(
      path.join(repo, "node_modules/.bin/tsx"),
      ["--conditions=react-server", "--tsconfig", path.join(repo, "tsconfig.json"), path.join(repo, "scripts/admin.ts"), ...args],
      { cwd: dir, env: env as unknown as NodeJS.ProcessEnv, input, encoding: "utf8" },
    );
    return { code: run.status, out: run.stdout, err: run.stderr };
  }

  function query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(dbFile, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  return { dir, dbFile, admin, query };
}
