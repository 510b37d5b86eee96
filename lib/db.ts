import "server-only";
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { getConfig } from "./config";
import { protectSqliteFile } from "./sqlite-file";

const BUSY_TIMEOUT_MS = 5_000;

/** `file:./x.db` → `./x.db`, relative to the process's working directory (as the adapter reads it). */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "");
}

function createClient(): PrismaClient {
  const url = getConfig().databaseUrl;
  // WAL lets readers carry on while one request writes; the mode is stored in the file, so
  // setting it once per process is enough. The busy timeout makes a second writer wait
  // instead of failing with "database is locked".
  protectSqliteFile(sqlitePath(url));
  const raw = new Database(sqlitePath(url), { timeout: BUSY_TIMEOUT_MS });
  raw.pragma("journal_mode = WAL");
  raw.close();
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: BUSY_TIMEOUT_MS }) });
}

const globalForDb = globalThis as unknown as { clinicDb?: PrismaClient };

export function getDb(): PrismaClient {
  globalForDb.clinicDb ??= createClient();
  return globalForDb.clinicDb;
}
