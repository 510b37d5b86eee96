import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { protectSqliteFile } from "@/lib/sqlite-file";
import { migrateDatabase } from "../scripts/migrate";

const mode = (file: string) => statSync(file).mode & 0o777;

describe("the database files", () => {
  it("are readable by the portal's user only, including the WAL and shared-memory files", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "clinic-perm-")), "portal.db");
    const previous = process.umask(0o022);
    try {
      migrateDatabase(`file:${file}`);
      protectSqliteFile(file);
      const db = new Database(file);
      db.prepare(`INSERT INTO "SecurityEvent" ("id", "type", "createdAt") VALUES ('e1', 'sign-in', CURRENT_TIMESTAMP)`).run();
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it("tightens a database file an older version left world-readable", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "clinic-perm-")), "old.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    protectSqliteFile(file);
    expect(mode(file)).toBe(0o600);
  });
});
