import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderMessage } from "@/lib/messages";
import { checkPasswordBudget, passPasswordStep } from "@/lib/password-step";
import { getDb } from "@/lib/db";
import { resetEnrollment } from "@/lib/admin";
import { createAdmin } from "@/lib/users";
import { enrolledPatient, newPatient, uniqueEmail } from "./support/users";

const PASSWORD = "correct horse battery";
const address = () => `203.0.113.${randomUUID()}`;
const keyOf = (r: Awaited<ReturnType<typeof passPasswordStep>>) => (r.ok ? "ok" : renderMessage(r.message).key);

describe("password guessing", () => {
  it("pauses one email from one address after 5 wrong passwords, and answers an unknown email the same way", async () => {
    const patient = await newPatient(PASSWORD);
    const ip = address();
    const known: string[] = [];
    const unknown: string[] = [];
    const nobody = uniqueEmail("nobody");
    for (let i = 0; i < 6; i++) {
      known.push(keyOf(await passPasswordStep(patient.email, "wrong password", ip)));
      unknown.push(keyOf(await passPasswordStep(nobody, "wrong password", ip)));
    }
    expect(known).toEqual(["signInFailed", "signInFailed", "signInFailed", "signInFailed", "locked", "locked"]);
    expect(unknown).toEqual(known);
  });

  it("cannot lock the patient out from the attacker's address: the patient's own address still works", async () => {
    const patient = await newPatient(PASSWORD);
    const attacker = address();
    for (let i = 0; i < 8; i++) await passPasswordStep(patient.email, "guess", attacker);
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, attacker))).toBe("locked");
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, address()))).toBe("ok");
  });

  it("resets the email's count when the right password is given", async () => {
    const patient = await newPatient(PASSWORD);
    const ip = address();
    for (let i = 0; i < 4; i++) await passPasswordStep(patient.email, "typo", ip);
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, ip))).toBe("ok");
    for (let i = 0; i < 4; i++) expect(keyOf(await passPasswordStep(patient.email, "typo", ip))).toBe("signInFailed");
  });

  it("caps one address spraying many accounts, and says it is the address, not an account, that is paused", async () => {
    const ip = address();
    let refusedAt = -1;
    for (let i = 0; i < 120 && refusedAt < 0; i++) {
      const result = await passPasswordStep(uniqueEmail("spray"), "Password1!", ip);
      if (keyOf(result) === "tooManyAttempts") refusedAt = i + 1;
    }
    expect(refusedAt).toBe(100);
    expect(renderMessage(await checkPasswordBudget(ip)).key).toBe("tooManyAttempts");
  });
});

describe("no account-wide password lock for an enrolled patient", () => {
  it("lets the patient in from their own address however many wrong passwords arrive from elsewhere", async () => {
    const { user: patient } = await enrolledPatient(PASSWORD);
    for (let attacker = 0; attacker < 30; attacker++) {
      const ip = address();
      for (let i = 0; i < 5; i++) await passPasswordStep(patient.email, `guess ${i}`, ip);
    }
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, address()))).toBe("ok");
  });
});

describe("an account guarded by its password alone", () => {
  it("pauses everywhere after 20 wrong passwords spread over many addresses (one per IPv6 /64 of a /48)", async () => {
    const patient = await newPatient(PASSWORD);
    for (let i = 0; i < 20; i++) await passPasswordStep(patient.email, `guess ${i}`, `2001:db8:1:${i.toString(16)}::`);
    // Even the right password from a fresh address waits: an attacker with many addresses gets no more tries.
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, address()))).toBe("locked");
  });

  it("answers an unknown email exactly like an unenrolled account", async () => {
    const patient = await newPatient(PASSWORD);
    const nobody = uniqueEmail("nobody");
    const known: string[] = [];
    const unknown: string[] = [];
    for (let i = 0; i < 22; i++) {
      known.push(keyOf(await passPasswordStep(patient.email, "guess", address())));
      unknown.push(keyOf(await passPasswordStep(nobody, "guess", address())));
    }
    expect(known.slice(-3)).toEqual(["locked", "locked", "locked"]);
    expect(unknown).toEqual(known);
  });

  it("starts the count again after the right password", async () => {
    const patient = await newPatient(PASSWORD);
    for (let i = 0; i < 19; i++) await passPasswordStep(patient.email, "guess", address());
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, address()))).toBe("ok");
    for (let i = 0; i < 19; i++) expect(keyOf(await passPasswordStep(patient.email, "guess", address()))).toBe("signInFailed");
  });
});

describe("unfinished setups expire", () => {
  const actor = { id: null, email: "ops@example.test", via: "cli" as const, ip: null };

  it("refuses a console-made admin who has not set up the authenticator in time, even with the right password", async () => {
    const created = await createAdmin({ email: uniqueEmail("admin"), password: PASSWORD, name: null });
    if (!created.ok) throw new Error("admin");
    expect(keyOf(await passPasswordStep(created.user.email, PASSWORD, address()))).toBe("ok");
    await getDb().user.update({ where: { id: created.user.id }, data: { setupDeadline: new Date(Date.now() - 1000) } });
    expect(keyOf(await passPasswordStep(created.user.email, PASSWORD, address()))).toBe("setupExpired");
    // A wrong password still gets the ordinary answer: nothing is revealed without the password.
    expect(keyOf(await passPasswordStep(created.user.email, "not it", address()))).toBe("signInFailed");
  });

  it("gives a reset patient the configured days (7) to set up again, and a new reset opens it again", async () => {
    const { user } = await enrolledPatient(PASSWORD);
    const before = Date.now();
    await resetEnrollment(actor, user.id, "Lost phone, ID checked");
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.setupDeadline!.getTime() - before).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000 - 5000);
    expect(row.setupDeadline!.getTime() - before).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 5000);
    await getDb().user.update({ where: { id: user.id }, data: { setupDeadline: new Date(Date.now() - 1000) } });
    expect(keyOf(await passPasswordStep(user.email, PASSWORD, address()))).toBe("setupExpired");
    await resetEnrollment(actor, user.id, "Called again, ID checked");
    expect(keyOf(await passPasswordStep(user.email, PASSWORD, address()))).toBe("ok");
  });

  it("never applies to a patient who signed up on their own", async () => {
    const patient = await newPatient(PASSWORD);
    expect((await getDb().user.findUniqueOrThrow({ where: { id: patient.id } })).setupDeadline).toBeNull();
  });
});
