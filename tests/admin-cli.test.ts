import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { useAdminConsole } from "./support/console";

const { dbFile, admin, query } = useAdminConsole("cli");

describe("admin console", () => {
  it("creates an admin from piped input, audited, with the password hashed", () => {
    const run = admin(["create-admin", "--email", "Lead@Clinic.test", "--name", "Lead Admin"], "a long admin password\n");
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(run.out).toContain("Admin lead@clinic.test created");
    const [user] = query<{ role: string; passwordHash: string }>(`SELECT role, passwordHash FROM "User" WHERE email = ?`, "lead@clinic.test");
    expect(user?.role).toBe("admin");
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    const [audit] = query<{ action: string; via: string; actorEmail: string }>(`SELECT action, via, actorEmail FROM "AuditEntry" WHERE targetEmail = ?`, "lead@clinic.test");
    expect(audit).toMatchObject({ action: "admin-created", via: "cli" });
    expect(audit?.actorEmail).toMatch(/^console:/);
  });

  it("refuses bad input with a sentence and a non-zero exit, changing nothing", () => {
    const before = query<{ n: number }>(`SELECT COUNT(*) AS n FROM "User"`)[0]!.n;
    const cases: [string[], string, RegExp][] = [
      [["create-admin", "--email", "not-an-email"], "long enough password\n", /--email: Enter your email address/],
      [["create-admin", "--email", "short@clinic.test"], "short\n", /at least 8 characters/],
      [["create-admin", "--email", "lead@clinic.test"], "another long password\n", /already exists/],
      [["reset", "--email", "nobody@clinic.test", "--reason", "lost phone"], "", /No account has the email nobody@clinic.test/],
      [["reset", "--email", "lead@clinic.test", "--reason", "x"], "", /--reason: Write an internal note of at least 5 characters/],
      [["unlock"], "", /--email: Enter your email address/],
      [["frobnicate"], "", /Unknown command "frobnicate"/],
    ];
    for (const [args, input, message] of cases) {
      const run = admin(args, input);
      expect(run.code, args.join(" ")).not.toBe(0);
      expect(run.err, args.join(" ")).toMatch(message);
    }
    expect(query<{ n: number }>(`SELECT COUNT(*) AS n FROM "User"`)[0]!.n).toBe(before);
  });

  it("lists accounts and resets a patient with a reason, writing the same audit entry as the dashboard", () => {
    const db = new Database(dbFile);
    db.prepare(
      `INSERT INTO "User" (id, email, name, nameSearch, role, passwordHash, totpSecret, enrolledAt, updatedAt) VALUES ('p1', 'pat@example.test', 'Pat Doe', 'pat doe', 'patient', 'x', 'v1.sealed', ?, ?)`,
    ).run(new Date().toISOString(), new Date().toISOString());
    db.close();

    const list = admin(["list-users", "--query", "pat"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/pat@example\.test\tPat Doe\tpatient\ton\tnever/);

    const reset = admin(["reset", "--email", "pat@example.test", "--reason", "Lost phone, ID checked in person", "--message", "Reset after your call about a lost phone."]);
    expect(reset.err).toBe("");
    expect(reset.out).toContain("Two-step sign-in reset for pat@example.test");
    const [user] = query<{ totpSecret: string | null; enrolledAt: string | null }>(`SELECT totpSecret, enrolledAt FROM "User" WHERE id = 'p1'`);
    expect(user).toEqual({ totpSecret: null, enrolledAt: null });
    const [audit] = query<{ action: string; reason: string; patientMessage: string; via: string }>(
      `SELECT action, reason, patientMessage, via FROM "AuditEntry" WHERE targetEmail = 'pat@example.test'`,
    );
    expect(audit).toEqual({ action: "enrollment-reset", reason: "Lost phone, ID checked in person", patientMessage: "Reset after your call about a lost phone.", via: "cli" });

    const unlock = admin(["unlock", "--email", "pat@example.test"]);
    expect(unlock.out).toContain("pat@example.test unlocked.");

    // The reset patient has not set up again: the deadline can be extended, audited.
    const write = new Database(dbFile);
    write.prepare(`UPDATE "User" SET "setupDeadline" = ? WHERE id = 'p1'`).run(new Date(Date.now() - 1000).toISOString());
    write.close();
    const reopen = admin(["reopen-setup", "--email", "pat@example.test"]);
    expect(reopen.err).toBe("");
    expect(reopen.out).toContain("can set up two-step sign-in again");
    const [deadline] = query<{ setupDeadline: string }>(`SELECT setupDeadline FROM "User" WHERE id = 'p1'`);
    expect(new Date(deadline!.setupDeadline).getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);
    expect(query(`SELECT 1 FROM "AuditEntry" WHERE action = 'setup-reopened' AND targetEmail = 'pat@example.test'`)).toHaveLength(1);
  });
});
