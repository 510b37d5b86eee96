import "server-only";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresClient } from "@/generated/prisma-pg/client";
import { getConfig } from "./config";
import { isPostgresUrl } from "./config-schema";
import { protectSqliteFile } from "./sqlite-file";

const BUSY_TIMEOUT_MS = 5_000;

export type Dialect = "sqlite" | "postgres";

/** Which database DATABASE_URL names: a `file:` URL is SQLite, `postgres(ql)://` PostgreSQL. */
export function dialect(): Dialect {
  return isPostgresUrl(getConfig().databaseUrl) ? "postgres" : "sqlite";
}

/**
 * A time as a raw-SQL value wherever the database cannot infer its type from a column (a CASE
 * branch, say): PostgreSQL would otherwise take the parameter for text. The cast keeps the UTC
 * wall time, which is how Prisma stores DateTime in a `timestamp(3)` column.
 */
export function sqlTime(at: Date | null): Prisma.Sql {
  if (at === null) return Prisma.sql`NULL`;
  return dialect() === "postgres" ? Prisma.sql`CAST(${at} AS TIMESTAMP(3))` : Prisma.sql`${at}`;
}

/**
 * A DateTime column read with raw SQL: PostgreSQL hands back a Date, SQLite the text Prisma
 * stored. The hot paths read with raw SQL because each model query costs a pass through Prisma's
 * query compiler (about half of Prisma's CPU per statement), which raw statements skip.
 */
export function asDate(value: Date | string | number | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}

/** `file:./x.db` → `./x.db`, relative to the process's working directory (as the adapter reads it). */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "");
}

function createSqliteClient(url: string): PrismaClient {
  // WAL lets readers carry on while one request writes; the mode is stored in the file, so
  // setting it once per process is enough. The busy timeout makes a second writer wait
  // instead of failing with "database is locked".
  protectSqliteFile(sqlitePath(url));
  const raw = new Database(sqlitePath(url), { timeout: BUSY_TIMEOUT_MS });
  raw.pragma("journal_mode = WAL");
  raw.close();
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS }) });
}

/**
 * Both clients are generated from one schema (the PostgreSQL one is derived from it), so their
 * model APIs are the same; the SQLite client's type describes both. Raw SQL in lib/ is written to
 * run on both, and asks dialect() where the two differ.
 */
function createPostgresClient(url: string): PrismaClient {
  return new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
}

const globalForDb = globalThis as unknown as { clinicDb?: PrismaClient };

export function getDb(): PrismaClient {
  if (!globalForDb.clinicDb) {
    const url = getConfig().databaseUrl;
    globalForDb.clinicDb = isPostgresUrl(url) ? createPostgresClient(url) : createSqliteClient(url);
  }
  return globalForDb.clinicDb;
}
