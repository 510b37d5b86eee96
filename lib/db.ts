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
  return new PrismaClient({ adapter: keepConnection(new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS })) });
}

/**
 * Both clients are generated from one schema (the PostgreSQL one is derived from it), so their
 * model APIs are the same; the SQLite client's type describes both. Raw SQL in lib/ is written to
 * run on both, and asks dialect() where the two differ.
 */
function createPostgresClient(url: string): PrismaClient {
  return new PostgresClient({ adapter: keepConnection(new PrismaPg({ connectionString: url })) }) as unknown as PrismaClient;
}

/** The driver adapter a connected client runs its statements on: lib/sql.ts sends hot-path statements to it. */
export type Connection = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

const globalForDb = globalThis as unknown as { clinicDb?: PrismaClient; clinicConnection?: Connection };

/**
 * Keeps what the client's adapter factory connects, so lib/sql.ts can use that very connection.
 * A second better-sqlite3 handle would be a second connection, and being synchronous it would
 * block the whole process on a write lock held by an open Prisma transaction.
 */
function keepConnection<Factory extends { connect(): Promise<Connection> }>(factory: Factory): Factory {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    if (connection.provider === "sqlite") tuneSqliteHandle(connection);
    const dispose = connection.dispose.bind(connection);
    connection.dispose = async () => {
      if (globalForDb.clinicConnection === connection) globalForDb.clinicConnection = undefined;
      await dispose();
    };
    globalForDb.clinicConnection = connection;
    return connection;
  };
  return factory;
}

/** The part of a better-sqlite3 statement the SQLite adapter uses. */
type SqliteStatement = { reader: boolean; run(args?: unknown[]): unknown; columns(): unknown[]; raw(on?: boolean): { all(args?: unknown[]): unknown[] } };

/**
 * Two changes to the statements the SQLite adapter sends through its better-sqlite3 handle:
 *
 * - SQLite's plain BEGIN takes the write lock only at a transaction's first write. A transaction
 *   that reads first (an update with a select, say) and then finds another process writing cannot
 *   wait for it (both would wait for each other), so SQLite refuses at once with SQLITE_BUSY,
 *   whatever the busy timeout: one of two sign-ups on two processes failed that way. BEGIN
 *   IMMEDIATE takes the write lock up front, where the busy timeout applies.
 * - The adapter prepares every statement afresh (SQLite parses and plans it each time: a tenth of a
 *   sign-in's main-thread time); here each SQL text is prepared once and reused. The adapter binds
 *   the values and runs the statement synchronously, so one prepared statement serves every call.
 */
function tuneSqliteHandle(connection: Connection): void {
  const handle = (connection as unknown as { client?: { prepare: (sql: string) => unknown } }).client;
  if (!handle || typeof handle.prepare !== "function") throw new Error("The SQLite adapter no longer exposes its better-sqlite3 handle.");
  const prepare = handle.prepare.bind(handle) as (sql: string) => SqliteStatement;
  const prepared = new Map<string, SqliteStatement>();
  handle.prepare = (sql: string) => {
    const text = sql === "BEGIN" ? "BEGIN IMMEDIATE" : sql;
    let statement = prepared.get(text);
    if (!statement) {
      statement = prepare(text);
      // Model queries with lists of values have many shapes; the hot path has a few dozen.
      if (prepared.size >= 1_000) prepared.clear();
      prepared.set(text, statement);
    }
    return reusable(statement);
  };
}

/** A prepared statement as the adapter uses it (`prepare(sql).bind(values)`), without binding it for good. */
function reusable(statement: SqliteStatement) {
  const bound = (args: unknown[]) => ({
    reader: statement.reader,
    run: () => statement.run(args),
    columns: () => statement.columns(),
    raw: () => ({ all: () => statement.raw(true).all(args) }),
  });
  return { reader: statement.reader, bind: bound, run: () => statement.run([]), columns: () => statement.columns() };
}

/** The connection of getDb()'s client, connecting the client first if nothing has yet. */
export async function getConnection(): Promise<Connection> {
  const kept = globalForDb.clinicConnection;
  if (kept) return kept;
  await getDb().$connect();
  if (!globalForDb.clinicConnection) throw new Error("The database client connected without its driver adapter.");
  return globalForDb.clinicConnection;
}

export function getDb(): PrismaClient {
  if (!globalForDb.clinicDb) {
    const url = getConfig().databaseUrl;
    globalForDb.clinicDb = isPostgresUrl(url) ? createPostgresClient(url) : createSqliteClient(url);
  }
  return globalForDb.clinicDb;
}
