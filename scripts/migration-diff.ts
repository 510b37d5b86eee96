/**
 * The SQL a new migration needs: `prisma migrate diff` from prisma/migrations to
 * prisma/schema.prisma, minus what Prisma cannot model. The admin search's FTS5 table
 * ("UserSearch" and its shadow tables, made in a migration by hand) looks to Prisma like tables
 * missing from the schema, and it would drop them.
 *
 *   npm run db:diff > prisma/migrations/<timestamp>_<topic>/migration.sql
 */
import { execFileSync } from "node:child_process";

const FTS_TABLE = /^"UserSearch(_(config|data|docsize|idx|content))?"$/;

const sql = execFileSync(
  "node_modules/.bin/prisma",
  ["migrate", "diff", "--from-migrations", "prisma/migrations", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" }, stdio: ["ignore", "pipe", "inherit"] },
);

// Prisma prints one block per change, separated by blank lines.
const kept = sql.split(/\n\s*\n/).filter((block) => {
  const dropped = /DROP TABLE ("[^"]+")/.exec(block)?.[1];
  return !(dropped && FTS_TABLE.test(dropped));
});
const out = kept.join("\n\n").trim();
process.stdout.write(out && !/^-- This is an empty migration\.?$/.test(out) ? `${out}\n` : "-- This is an empty migration.\n");
