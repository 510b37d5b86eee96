import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/audit";
import { listAudit } from "@/lib/audit";
import { getDb } from "@/lib/db";
import { createSetupSheet, resetPasswordWithToken, sendResetLinkForPatient } from "@/lib/password-reset";
import { checkPassword, createAdmin } from "@/lib/users";
import { newPatient, uniqueEmail } from "./support/users";

async function anAdmin(): Promise<Actor> {
  const created = await createAdmin({ email: uniqueEmail("admin"), password: "an admin password", name: null });
  if (!created.ok) throw new Error("admin");
  return { id: created.user.id, email: created.user.email, via: "web", ip: "192.0.2.50" };
}

describe("staff-assisted password reset", () => {
  it("queues a clinic-worded reset mail and audits who sent it and why", async () => {
    const admin = await anAdmin();
    const patient = await newPatient();
    expect(await sendResetLinkForPatient(admin, patient.id, "Forgot password, ID checked")).toEqual({ ok: true });
    const [row] = await getDb().outboxMessage.findMany({ where: { userId: patient.id, kind: "password-reset-link" } });
    expect(row).toMatchObject({ status: "queued", recipient: patient.email });
    const [entry] = await listAudit({ patient: patient.email });
    expect(entry).toMatchObject({ action: "password-reset-link-sent", actorEmail: admin.email, reason: "Forgot password, ID checked" });
  });

  it("prints a one-time sheet whose link sets a password once within 24 hours, audited", async () => {
    const admin = await anAdmin();
    const patient = await newPatient();
    const made = await createSetupSheet(admin, patient.id, "No email access, ID checked");
    if (!made.ok) throw new Error(made.message);
    expect(made.sheet.expiresAt.getTime() - Date.now()).toBeGreaterThan(24 * 3600_000 - 5_000);
    const token = new URL(made.sheet.link).searchParams.get("token")!;
    expect(JSON.stringify(await getDb().accountToken.findMany({ where: { userId: patient.id } }))).not.toContain(token);

    expect(await resetPasswordWithToken(token, "a password from the desk", "192.0.2.9")).toEqual({ ok: true, first: false });
    expect(await resetPasswordWithToken(token, "and another one please", "192.0.2.9")).toEqual({ ok: false, reason: "invalid" });
    expect((await checkPassword(patient.email, "a password from the desk")).ok).toBe(true);
    expect((await listAudit({ patient: patient.email }))[0]).toMatchObject({ action: "setup-sheet-printed", reason: "No email access, ID checked" });
  });

  it("helps only patients", async () => {
    const admin = await anAdmin();
    const other = await anAdmin();
    expect((await sendResetLinkForPatient(admin, other.id!, "not for admins")).ok).toBe(false);
    expect((await createSetupSheet(admin, other.id!, "not for admins")).ok).toBe(false);
    expect((await sendResetLinkForPatient(admin, "no-such-id", "gone")).ok).toBe(false);
  });
});
