import { describe, expect, it } from "vitest";
import { DEFAULT_RESET_MESSAGE, reasonSchema, resetEnrollment, resetMessageSchema, searchAccounts, unlockAccount } from "@/lib/admin";
import { listAudit, type Actor } from "@/lib/audit";
import { dialect, getDb } from "@/lib/db";
import { issueFirstRecoveryCodes } from "@/lib/recovery-codes";
import { recallRefusal, rememberRefusal } from "@/lib/refusal-memo.mjs";
import { passSecondFactor } from "@/lib/second-factor";
import { createSession, findActiveSession } from "@/lib/sessions";
import { confirmEnrollment, getOrCreatePendingEnrollment, verifyTotpForUser } from "@/lib/two-factor";
import { createAdmin, getResetNotice } from "@/lib/users";
import { oathtoolCode } from "./support/otp";
import { newPatient, uniqueEmail, setupOwner } from "./support/users";

async function enrolledPatient() {
  const user = await newPatient();
  const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
  const now = Math.floor(Date.now() / 1000);
  await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now), now);
  const codes = (await issueFirstRecoveryCodes(user.id))!;
  return { user, secret, codes, now };
}

async function anAdmin(): Promise<Actor> {
  const created = await createAdmin({ email: uniqueEmail("admin"), password: "an admin password", name: "Ada" });
  if (!created.ok) throw new Error("admin");
  return { id: created.user.id, email: created.user.email, via: "web", ip: "192.0.2.50" };
}

describe("admin reset of a patient's enrollment", () => {
  it("removes secrets and recovery codes, ends every session, and sends the next sign-in to enrollment with a notice", async () => {
    const admin = await anAdmin();
    const { user, secret, codes, now } = await enrolledPatient();
    const laptop = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const phone = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });

    expect(await resetEnrollment(admin, user.id, "Lost phone, identity checked at the front desk", "We reset your sign-in after your call.")).toEqual({ ok: true });

    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ totpSecret: null, enrolledAt: null, totpLastStep: null });
    expect(await getDb().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await findActiveSession(laptop)).toBeNull();
    expect(await findActiveSession(phone)).toBeNull();
    // The patient is shown the message, never the internal note.
    expect(await getResetNotice(user.id)).toMatchObject({ reason: "We reset your sign-in after your call." });

    // Nothing from the old setup works any more.
    expect(await verifyTotpForUser(user.id, oathtoolCode(secret, now + 30), now + 30)).toEqual({ ok: false, reason: "not-enrolled" });
    const recovery = await passSecondFactor({ userId: user.id, purpose: "sign-in", code: codes[0]!, ip: "192.0.2.9" });
    expect(recovery.ok).toBe(false);

    // Re-enrolling clears the notice.
    const { secret: fresh } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
    expect(fresh).not.toBe(secret);
    expect(await confirmEnrollment(setupOwner(user.id), oathtoolCode(fresh, now + 60), now + 60)).toEqual({ ok: true });
    expect(await getResetNotice(user.id)).toBeNull();
  });

  it("ends even a session that slipped in during the reset, once the patient enrolls again", async () => {
    const admin = await anAdmin();
    const { user, now } = await enrolledPatient();
    await resetEnrollment(admin, user.id, "race between sign-in and reset");
    const straggler = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
    expect(await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now + 30), now + 30)).toEqual({ ok: true });
    expect(await findActiveSession(straggler)).toBeNull();
  });

  it("is recorded in the audit log (who, whom, when, from where, why) and in the patient's activity", async () => {
    const admin = await anAdmin();
    const { user } = await enrolledPatient();
    await resetEnrollment(admin, user.id, "Patient called: phone stolen");
    const [entry] = await listAudit({ patient: user.email });
    expect(entry).toMatchObject({
      actorEmail: admin.email,
      action: "enrollment-reset",
      targetEmail: user.email,
      reason: "Patient called: phone stolen",
      patientMessage: DEFAULT_RESET_MESSAGE,
      ip: "192.0.2.50",
      via: "web",
    });
    expect(entry!.at.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const event = await getDb().securityEvent.findFirst({ where: { userId: user.id, type: "enrollment-reset" } });
    // The patient's activity carries what they were told, not the note.
    expect(event?.detail).toBe(DEFAULT_RESET_MESSAGE);
    expect(await getResetNotice(user.id)).toMatchObject({ reason: DEFAULT_RESET_MESSAGE });
  });

  it("refuses admins' own setups and unknown accounts, changing nothing", async () => {
    const admin = await anAdmin();
    const other = await anAdmin();
    expect(await resetEnrollment(admin, other.id!, "testing a reset")).toEqual({ ok: false, message: "Only patients' two-factor setup can be reset here." });
    expect(await resetEnrollment(admin, "no-such-id", "testing a reset")).toEqual({ ok: false, message: "No such account." });
    expect(await listAudit({ admin: admin.email })).toEqual([]);
  });

  it("demands a real reason", () => {
    for (const bad of [undefined, "", "  ok ", "x".repeat(501), "bad\u0000reason"]) expect(reasonSchema.safeParse(bad).success).toBe(false);
    expect(reasonSchema.parse("  Lost   phone  ")).toBe("Lost phone");
  });
});

describe("admin unlock", () => {
  it("ends a code lockout at once and is audited", async () => {
    const admin = await anAdmin();
    const { user, secret } = await enrolledPatient();
    for (let i = 0; i < 10; i++) await passSecondFactor({ userId: user.id, purpose: "sign-in", code: "000000", ip: "192.0.2.7" });
    const [locked] = (await searchAccounts(user.email, null)).rows;
    expect(locked?.lockedUntil).toBeInstanceOf(Date);
    // This process had answered the patient's challenge "paused" (lib/refusal-memo.mjs).
    rememberRefusal("clinic.challenge", "the-patients-challenge", "http://portal.example/api/auth/error?error=locked%3A1", locked!.lockedUntil!);
    expect(recallRefusal("clinic.challenge=the-patients-challenge")).not.toBeNull();

    expect(await unlockAccount(admin, user.id)).toEqual({ ok: true });
    expect((await searchAccounts(user.email, null)).rows[0]?.lockedUntil).toBeNull();
    expect(recallRefusal("clinic.challenge=the-patients-challenge")).toBeNull();
    const ok = await passSecondFactor({ userId: user.id, purpose: "sign-in", code: oathtoolCode(secret, Date.now() / 1000 + 30), ip: "192.0.2.7" });
    expect(ok.ok).toBe(true);
    expect((await listAudit({ patient: user.email, action: "account-unlocked" }))[0]?.actorEmail).toBe(admin.email);
  });
});

describe("unlock is exact", () => {
  it("clears only the named account's locks, even when its email contains LIKE wildcards", async () => {
    const admin = await anAdmin();
    const tag = Date.now();
    const underscored = await createAdmin({ email: `john_doe${tag}@example.test`, password: "long password here", name: null });
    const lookalike = `johnxdoe${tag}@example.test`;
    if (!underscored.ok) throw new Error("setup");
    const until = new Date(Date.now() + 3600_000);
    await getDb().rateLimit.createMany({
      data: [
        { key: `password:account-ip:john_doe${tag}@example.test|192.0.2.1`, lockedUntil: until },
        { key: `password:account-ip:${lookalike}|192.0.2.1`, lockedUntil: until },
      ],
    });
    await unlockAccount(admin, underscored.user.id);
    const left = await getDb().rateLimit.findMany({ where: { key: { contains: String(tag) } }, select: { key: true } });
    expect(left.map((r) => r.key)).toEqual([`password:account-ip:${lookalike}|192.0.2.1`]);
  });
});

describe("the audit log is append-only", () => {
  it("refuses UPDATE and DELETE at the database itself", async () => {
    const admin = await anAdmin();
    const { user } = await enrolledPatient();
    await resetEnrollment(admin, user.id, "append-only check");
    const db = getDb();
    await expect(db.auditEntry.updateMany({ where: { actorEmail: admin.email }, data: { reason: "rewritten" } })).rejects.toThrow(/append-only/);
    await expect(db.auditEntry.deleteMany({ where: { actorEmail: admin.email } })).rejects.toThrow(/append-only/);
    expect((await listAudit({ admin: admin.email }))[0]?.reason).toBe("append-only check");
  });

  it("refuses INSERT OR REPLACE and REPLACE over an existing entry, which would delete it without a DELETE", async () => {
    const admin = await anAdmin();
    const { user } = await enrolledPatient();
    await resetEnrollment(admin, user.id, "original reason");
    const db = getDb();
    const [entry] = await listAudit({ admin: admin.email });
    const forged = `("id", "at", "actorEmail", "action", "via") VALUES (${dialect() === "sqlite" ? "?" : "$1"}, CURRENT_TIMESTAMP, 'forger@example.test', 'account-unlocked', 'web')`;
    // Each database's ways of writing over a row in an INSERT.
    const overwrites =
      dialect() === "sqlite"
        ? [`INSERT OR REPLACE INTO "AuditEntry" ${forged}`, `REPLACE INTO "AuditEntry" ${forged}`]
        : [`INSERT INTO "AuditEntry" ${forged} ON CONFLICT ("id") DO UPDATE SET "actorEmail" = EXCLUDED."actorEmail"`];
    for (const sql of overwrites) await expect(db.$executeRawUnsafe(sql, entry!.id)).rejects.toThrow(/append-only/);
    if (dialect() === "postgres") {
      await expect(db.$executeRawUnsafe(`INSERT INTO "AuditEntry" ${forged}`, entry!.id)).rejects.toThrow(/AuditEntry_pkey|Unique constraint/);
      await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only/);
    }
    const after = await listAudit({ admin: admin.email });
    expect(after[0]).toMatchObject({ id: entry!.id, reason: "original reason", actorEmail: admin.email });
    // Ordinary appends still work.
    await unlockAccount(admin, user.id);
    expect(await listAudit({ admin: admin.email })).toHaveLength(2);
  });
});

describe("patient search", () => {
  it("finds by email or name prefix, case-insensitively, a page at a time", async () => {
    const tag = `zz${Date.now()}`;
    for (let i = 0; i < 30; i++) {
      await getDb().user.create({ data: { email: `${tag}-${String(i).padStart(2, "0")}@example.test`, name: `Name${tag} ${i}`, nameSearch: `name${tag} ${i}`, passwordHash: "x" } });
    }
    const first = await searchAccounts(tag.toUpperCase(), null);
    expect(first.rows).toHaveLength(25);
    expect(first.next).toBe(`${tag}-24@example.test`);
    const second = await searchAccounts(tag, first.next);
    expect(second.rows.map((r) => r.email)).toEqual([25, 26, 27, 28, 29].map((i) => `${tag}-${i}@example.test`));
    expect(second.next).toBeNull();
    // Every word must appear: the name's word and one email's own digits.
    expect((await searchAccounts(`Name${tag} ${tag}-07`, null)).rows.map((r) => r.email)).toEqual([`${tag}-07@example.test`]);
  });

  it("uses indexes, not table scans", async () => {
    const db = getDb();
    const queries = [
      `SELECT id FROM "User" WHERE email >= 'ab' AND email < 'ab\u{10FFFF}' ORDER BY email LIMIT 26`,
      `SELECT id FROM "User" WHERE "nameSearch" >= 'ab' AND "nameSearch" < 'ab\u{10FFFF}' ORDER BY email LIMIT 26`,
      `SELECT id FROM "AuditEntry" WHERE "targetEmail" = 'x' ORDER BY "at" DESC LIMIT 50`,
    ];
    if (dialect() === "postgres") {
      // On a table this small the planner rightly prefers a scan; forbidding scans shows whether an index could serve.
      const plans = await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        const out: string[] = [];
        for (const sql of queries) out.push((await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${sql}`)).map((r) => r["QUERY PLAN"]).join(" | "));
        return out;
      });
      const [email, name, audit] = plans;
      expect(email).toMatch(/"User_email_key"/);
      expect(name).toMatch(/"User_nameSearch_idx"/);
      expect(audit).toMatch(/"AuditEntry_targetEmail_at_idx"/);
      for (const plan of plans) expect(plan).not.toMatch(/Seq Scan/);
      return;
    }
    const plans = [];
    for (const sql of queries) plans.push(await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${sql}`));
    const [email, name, audit] = plans.map((plan) => plan.map((row) => row.detail).join(" | "));
    expect(email).toMatch(/SEARCH "?User"? USING (COVERING )?INDEX User_email_key \(email>\? AND email<\?\)/);
    expect(name).toMatch(/SEARCH "?User"? USING INDEX User_nameSearch_idx \(nameSearch>\? AND nameSearch<\?\)/);
    expect(audit).toMatch(/SEARCH "?AuditEntry"? USING INDEX AuditEntry_targetEmail_at_idx \(targetEmail=\?\)/);
    for (const plan of [email, name, audit]) expect(plan).not.toMatch(/(^| )SCAN /);
  });
});
