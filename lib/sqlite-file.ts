import { chmodSync, closeSync, existsSync, openSync } from "node:fs";

/**
 * The database holds password hashes, emails, addresses and the audit log: only the portal's own
 * user may read it. SQLite gives its -wal and -shm files the database file's permissions, so the
 * file is created 0600 before SQLite first opens it, and older files are tightened.
 */
export function protectSqliteFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
  for (const suffix of ["", "-wal", "-shm", "-journal"]) {
    if (existsSync(file + suffix)) chmodSync(file + suffix, 0o600);
  }
}
