import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useAdminConsole } from "./support/console";

const { dir, dbFile, admin, query } = useAdminConsole("tokens");

// Each command is a separate tsx process (about a second each).
describe("keyfobs at the console", { timeout: 60_000 }, () => {
  it("refuses a file with bad rows by line, without echoing any secret, and imports nothing", () => {
    const secret = randomBytes(20).toString("hex");
    const file = path.join(dir, "bad.csv");
    writeFileSync(file, `serial,secret,digits\nFOB-1,${secret},6\nFOB-2,${secret.slice(0, 10)},6\nFOB-3,${secret},5\n`);
    const run = admin(["import-tokens", file]);
    expect(run.code).not.toBe(0);
    expect(run.err).toMatch(/Nothing was imported/);
    expect(run.err).toMatch(/line 3: the secret is too short/);
    expect(run.err).toMatch(/line 4: digits must be 6, 7 or 8/);
    expect(run.err + run.out).not.toContain(secret.slice(0, 10));
    expect(query<{ n: number }>(`SELECT COUNT(*) AS n FROM "HardwareToken"`)[0]!.n).toBe(0);
    expect(admin(["import-tokens", path.join(dir, "missing.csv")]).err).toMatch(/Can't read/);
  });

  it("imports, lists, assigns with a reason (audited), and marks lost", () => {
    const file = path.join(dir, "good.csv");
    const secret = randomBytes(20).toString("hex");
    writeFileSync(file, `FOB-10,${secret},6\nfob-11,${randomBytes(20).toString("hex")},8\n`);
    const imported = admin(["import-tokens", file]);
    expect(imported.err).toBe("");
    expect(imported.out).toContain("Imported 2 keyfob(s)");
    expect(imported.out).not.toContain(secret);
    const stored = query<{ serial: string; secret: string }>(`SELECT serial, secret FROM "HardwareToken" ORDER BY serial`);
    expect(stored.map((r) => r.serial)).toEqual(["FOB-10", "FOB-11"]);
    expect(stored.every((r) => r.secret.startsWith("v1.") && !r.secret.includes(secret))).toBe(true);

    const db = new Database(dbFile);
    const now = new Date().toISOString();
    db.prepare(`INSERT INTO "User" (id, email, role, passwordHash, updatedAt) VALUES ('kp1', 'fob@example.test', 'patient', 'x', ?)`).run(now);
    db.close();
    expect(admin(["assign-token", "--serial", "fob-10", "--email", "fob@example.test", "--reason", "x"]).err).toMatch(/--reason/);
    const assigned = admin(["assign-token", "--serial", "fob-10", "--email", "fob@example.test", "--reason", "no smartphone, ID checked"]);
    expect(assigned.err).toBe("");
    expect(admin(["list-tokens", "--state", "assigned"]).out).toMatch(/FOB-10\tassigned\t6\tfob@example\.test/);
    const [audit] = query<{ reason: string; via: string }>(`SELECT reason, via FROM "AuditEntry" WHERE action = 'token-assigned'`);
    expect(audit).toMatchObject({ via: "cli", reason: "FOB-10: no smartphone, ID checked" });

    expect(admin(["lost-token", "--serial", "FOB-10", "--reason", "patient lost it on the bus"]).out).toMatch(/marked lost/);
    expect(admin(["list-tokens"]).out).toMatch(/FOB-10\tlost\t6\t\t/);
    expect(admin(["assign-token", "--serial", "FOB-10", "--email", "fob@example.test", "--reason", "found it again"]).err).toMatch(/not free/);
    expect(admin(["list-tokens", "--state", "nonsense"]).err).toMatch(/--state: one of/);
  });
});
