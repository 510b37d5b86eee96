/**
 * A consistent copy of the portal's database while it keeps serving:
 *
 *   npm run backup -- backups/portal-2026-12-01.db      (SQLite: the online backup API)
 *   npm run backup -- backups/portal-2026-12-01.dump    (PostgreSQL: pg_dump, custom format)
 *
 * Restoring is in README "Backup and restore". ENCRYPTION_KEY is not in the copy: keep it
 * separately, or the restored authenticator keys cannot be read.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import Database from "better-sqlite3";
import { DEFAULT_DATABASE_URL, isPostgresUrl } from "../lib/config-schema";

export async function backupDatabase(databaseUrl: string, target: string): Promise<void> {
  mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  if (isPostgresUrl(databaseUrl)) {
    // pg_dump reads one snapshot: writes that land meanwhile are simply not in it.
    execFileSync("pg_dump", ["--format=custom", "--no-owner", `--file=${target}`, `--dbname=${databaseUrl}`], { stdio: ["ignore", "inherit", "inherit"] });
  } else {
    const db = new Database(databaseUrl.replace(/^file:/, ""), { readonly: true });
    try {
      await db.backup(target);
    } finally {
      db.close();
    }
  }
  // The copy holds password hashes and sealed keys, like the database itself.
  chmodSync(target, 0o600);
}

if (require.main === module) {
  loadEnvConfig(process.cwd());
  const target = process.argv[2];
  if (!target) {
    console.error("Usage: npm run backup -- <file>");
    process.exit(2);
  }
  backupDatabase(process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL, target).then(
    () => console.log(`Backup written to ${target}.`),
    (error: Error) => {
      console.error(`Backup failed: ${error.message}`);
      process.exit(1);
    },
  );
}
