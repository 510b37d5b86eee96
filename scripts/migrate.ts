import { spawnSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { protectSqliteFile } from "../lib/sqlite-file";

const repoRoot = path.resolve(__dirname, "..");

/**
 * Applies pending migrations with Prisma's JS engine, then switches the file to WAL mode.
 * A relative `file:` URL is taken from the caller's working directory, as the app reads it.
 */
export function migrateDatabase(databaseUrl: string): void {
  const file = path.resolve(databaseUrl.replace(/^file:/, ""));
  protectSqliteFile(file);
  const run = spawnSync(path.join(repoRoot, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: `file:${file}`, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    encoding: "utf8",
  });
  if (run.status !== 0) {
    process.stderr.write(`${run.stdout ?? ""}${run.stderr ?? ""}`);
    throw new Error(`Applying database migrations to ${file} failed (see above).`);
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.close();
  protectSqliteFile(file);
}
