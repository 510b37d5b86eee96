/**
 * Writes the PostgreSQL twin of the newest SQLite migration(s):
 *
 *   npm run db:pg-migration
 *
 * Each folder under prisma/postgres/migrations/ is named after the SQLite migration it follows and
 * keeps the derived schema it brings the database to (schema.prisma). The new migration.sql is
 * `prisma migrate diff` from that snapshot to the schema derived now, which needs no database.
 * Prisma cannot model triggers or the search table: when the SQLite migration has raw SQL of
 * that kind, write its PostgreSQL form at the end of the new file by hand.
 *
 * `npm run db:pg-migration -- --check` only says whether a twin is missing (tests run it).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "..");
const sqliteDir = path.join(root, "prisma", "migrations");
const pgDir = path.join(root, "prisma", "postgres", "migrations");
const folders = (dir: string) => (existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : []);

function diff(from: string | null, to: string): string {
  const args = ["migrate", "diff", ...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]), "--to-schema-datamodel", to, "--script"];
  return execFileSync(path.join(root, "node_modules", ".bin", "prisma"), args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** What the newest Postgres migration leaves undone: the SQL still to write, and the folder it goes in. */
export function pendingPostgresMigration(): { name: string; sql: string; schema: string } | null {
  const work = mkdtempSync(path.join(tmpdir(), "pg-migration-"));
  try {
    const target = path.join(work, "schema.prisma");
    execFileSync(process.execPath, [path.join(root, "scripts", "derive-pg-schema.mjs"), target]);
    const done = folders(pgDir);
    const last = done.at(-1);
    const snapshot = last ? path.join(pgDir, last, "schema.prisma") : null;
    const sql = diff(snapshot, target);
    const untwinned = folders(sqliteDir).filter((name) => !last || name > last);
    if (/^-- This is an empty migration\.?$/.test(sql) && untwinned.length === 0) return null;
    const name = untwinned.at(-1) ?? `${last}_postgres`;
    return { name, sql, schema: readFileSync(target, "utf8") };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const pending = pendingPostgresMigration();
  if (process.argv.includes("--check")) {
    if (pending) {
      console.error(`PostgreSQL has no twin for ${pending.name}: run npm run db:pg-migration.`);
      process.exit(1);
    }
    process.exit(0);
  }
  if (!pending) {
    console.log("PostgreSQL migrations are up to date.");
    process.exit(0);
  }
  const folder = path.join(pgDir, pending.name);
  mkdirSync(folder, { recursive: true });
  const rawSql = existsSync(path.join(sqliteDir, pending.name, "migration.sql"))
    && /CREATE\s+(TRIGGER|VIRTUAL)|RAISE\(/i.test(readFileSync(path.join(sqliteDir, pending.name, "migration.sql"), "utf8"));
  const note = rawSql ? "\n\n-- TODO before committing: the PostgreSQL form of the SQLite migration's triggers / virtual tables.\n" : "\n";
  writeFileSync(path.join(folder, "migration.sql"), `-- PostgreSQL twin of prisma/migrations/${pending.name}.\n${pending.sql}${note}`);
  writeFileSync(path.join(folder, "schema.prisma"), pending.schema);
  console.log(`Wrote prisma/postgres/migrations/${pending.name}/ (migration.sql and the schema it leads to).`);
}
