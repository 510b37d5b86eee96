import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const migrationsDir = path.resolve(__dirname, "..", "prisma", "postgres", "migrations");
// Any fixed number: every instance asks for the same lock, so only one migrates at a time.
const MIGRATION_LOCK = 727_073_690;

/**
 * Applies prisma/postgres/migrations/* in name order, each once, each in its own transaction,
 * under a session advisory lock: instances starting together wait for the first one and then find
 * nothing left to do. Prisma's own `migrate deploy` cannot run here (its PostgreSQL adapter in
 * 6.19 fails to read the migrations table), so applied migrations are kept in "_app_migrations",
 * with a checksum that catches a migration edited after it ran.
 */
export async function migratePostgres(databaseUrl: string, log: (line: string) => void = () => {}): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS "_app_migrations" ("name" text PRIMARY KEY, "checksum" text NOT NULL, "appliedAt" timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Map<string, string>(
      (await client.query<{ name: string; checksum: string }>(`SELECT "name", "checksum" FROM "_app_migrations"`)).rows.map((r) => [r.name, r.checksum]),
    );
    const names = existsSync(migrationsDir)
      ? readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
      : [];
    for (const name of names) {
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      if (done.has(name)) {
        if (done.get(name) !== checksum) throw new Error(`The PostgreSQL migration ${name} was changed after it was applied: add a new migration instead.`);
        continue;
      }
      await client.query("BEGIN");
      try {
        // Without parameters pg uses the simple protocol: many statements and $$ bodies in one go.
        await client.query(sql);
        await client.query(`INSERT INTO "_app_migrations" ("name", "checksum") VALUES ($1, $2)`, [name, checksum]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`Applying the PostgreSQL migration ${name} failed: ${(error as Error).message}`);
      }
      applied.push(name);
      log(`Applied ${name}.`);
    }
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end();
  }
  return applied;
}
