/**
 * Writes the PostgreSQL twin of the newest SQLite migration(s):
 *
 *   npm run db:pg-migration
 *
 * Each folder under prisma/postgres/migrations/ is named after the SQLite migration it follows,
 * lists in "-- Follows" lines every SQLite migration it stands for, and keeps the derived schema
 * it brings the database to (schema.prisma). The new migration.sql is
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

function diff(from: string | null, to: string, work: string): string {
  const args = ["migrate", "diff", ...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]), "--to-schema-datamodel", to, "--script"];
  return execFileSync(path.join(root, "node_modules", ".bin", "prisma"), args, {
    cwd: root,
    encoding: "utf8",
    // prisma.config.ts opens a SQLite adapter whatever DATABASE_URL says; a diff of two schemas never uses it.
    env: { ...process.env, DATABASE_URL: `file:${path.join(work, "unused.db")}`, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** What the newest Postgres migration leaves undone: the SQL still to write, and the folder it goes in. */
export function pendingPostgresMigration(): { name: string; covers: string[]; sql: string; schema: string } | null {
  const work = mkdtempSync(path.join(tmpdir(), "pg-migration-"));
  try {
    const target = path.join(work, "schema.prisma");
    execFileSync(process.execPath, [path.join(root, "scripts", "derive-pg-schema.mjs"), target]);
    const done = folders(pgDir);
    const last = done.at(-1);
    const snapshot = last ? path.join(pgDir, last, "schema.prisma") : null;
    const sql = diff(snapshot, target, work);
    const twinned = new Set(done.flatMap((name) => coveredBy(name)));
    const untwinned = folders(sqliteDir).filter((name) => !twinned.has(name));
    if (/^-- This is an empty migration\.?$/.test(sql) && untwinned.length === 0) return null;
    const newest = untwinned.at(-1) ?? "schema";
    // The runner applies folders in name order and the next diff starts from the last one, so a
    // twin must sort last even when its SQLite migration was named earlier (merged from a branch).
    const name = !last || newest > last ? newest : `${last}_then_${newest.replace(/^\d+_(\d+_)?/, "")}`;
    return { name, covers: untwinned, sql, schema: readFileSync(target, "utf8") };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The SQLite migrations a PostgreSQL migration stands for, from its "-- Follows" header lines. */
function coveredBy(pgMigration: string): string[] {
  const sql = readFileSync(path.join(pgDir, pgMigration, "migration.sql"), "utf8");
  return [...sql.matchAll(/^-- Follows prisma\/migrations\/(\S+)$/gm)].map((m) => m[1]!);
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
  const rawSql = pending.covers.some((name) => /CREATE\s+(TRIGGER|VIRTUAL)|RAISE\(/i.test(readFileSync(path.join(sqliteDir, name, "migration.sql"), "utf8")));
  const note = rawSql ? "\n\n-- TODO before committing: the PostgreSQL form of the SQLite migration's triggers / virtual tables.\n" : "\n";
  const header = pending.covers.map((name) => `-- Follows prisma/migrations/${name}`).join("\n");
  writeFileSync(path.join(folder, "migration.sql"), `${header}\n${pending.sql}${note}`);
  writeFileSync(path.join(folder, "schema.prisma"), pending.schema);
  console.log(`Wrote prisma/postgres/migrations/${pending.name}/ (migration.sql and the schema it leads to).`);
}
