import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { dialect } from "@/lib/db";
import { backupDatabase } from "../scripts/backup";
import { migratePostgres } from "../scripts/migrate-pg";
import { oathtoolCode } from "./support/otp";
import { startInstance } from "./support/instances";
import { enrolledPatient } from "./support/users";

const dir = mkdtempSync(path.join(tmpdir(), "portal-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** README "Backup and restore", step by step: a database made from the backup file; its URL. */
async function restore(file: string): Promise<string> {
  if (dialect() === "sqlite") return `file:${file}`;
  const source = process.env.DATABASE_URL!;
  const target = new URL(source);
  target.pathname = `/restored_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: source });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${target.pathname.slice(1)}"`);
  await admin.end();
  execFileSync("pg_restore", ["--no-owner", `--dbname=${target}`, file]);
  return target.toString();
}

describe("backup and restore", () => {
  it("restores a backup taken while the portal runs to a portal where patients sign in", async () => {
    const { user, secret, now } = await enrolledPatient();
    const file = path.join(dir, dialect() === "sqlite" ? "portal.db" : "portal.dump");
    await backupDatabase(process.env.DATABASE_URL!, file);
    expect(statSync(file).mode & 0o077).toBe(0);
    const url = await restore(file);
    if (dialect() === "postgres") expect(await migratePostgres(url)).toEqual([]);

    // Another portal process on the restored copy, with the same ENCRYPTION_KEY: the sealed key opens.
    const restored = await startInstance({ DATABASE_URL: url });
    try {
      const code = oathtoolCode(secret, now + 30);
      const signIn = await restored.call("passSecondFactor", { userId: user.id, purpose: "sign-in", code, ip: "192.0.2.60" });
      expect(signIn.ok).toBe(true);
      // And its replay guard works on the copy too.
      const again = await restored.call("passSecondFactor", { userId: user.id, purpose: "sign-in", code, ip: "192.0.2.60" });
      expect(again.ok).toBe(false);
    } finally {
      await restored.stop();
    }
  });
});
