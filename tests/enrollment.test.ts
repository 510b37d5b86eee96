import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { listActivity } from "@/lib/security-events";
import { confirmEnrollment, ENROLLMENT_KEY_TTL_SECONDS, getOrCreatePendingEnrollment, replacePendingSecret, verifyTotpForUser } from "@/lib/two-factor";
import { oathtoolCode } from "./support/otp";
import { newPatient, setupOwner, storedSecret } from "./support/users";

const now = () => Date.now() / 1000;

/** A 6-digit string that is not a code of `secret` anywhere near now. */
function notACodeOf(...secrets: string[]): string {
  const near = secrets.flatMap((s) => Array.from({ length: 25 }, (_, i) => oathtoolCode(s, now() + (i - 12) * 30)));
  return ["000000", "123456", "999999", "424242"].find((c) => !near.includes(c))!;
}

describe("enrollment", () => {
  it("keeps the pending secret across page loads until a new one is asked for", async () => {
    const user = await newPatient();
    const first = await getOrCreatePendingEnrollment(setupOwner(user.id));
    const again = await getOrCreatePendingEnrollment(setupOwner(user.id));
    expect(first?.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(again?.secret).toBe(first?.secret);
    expect(first?.uri).toContain(`secret=${first?.secret}`);

    expect(await replacePendingSecret(setupOwner(user.id))).toBe(true);
    const replaced = await getOrCreatePendingEnrollment(setupOwner(user.id));
    expect(replaced?.secret).not.toBe(first?.secret);

    // The old QR code no longer works, and its code is recognised as the old key's.
    const oldCode = oathtoolCode(first!.secret, now());
    if (oldCode !== oathtoolCode(replaced!.secret, now())) {
      expect(await confirmEnrollment(setupOwner(user.id), oldCode)).toEqual({ ok: false, reason: "old-key" });
    }
  });

  it("gives another sign-in with the same password a key of its own, never the owner's", async () => {
    const user = await newPatient();
    const patient = await getOrCreatePendingEnrollment(setupOwner(user.id, "patient-phone"));
    const intruder = await getOrCreatePendingEnrollment(setupOwner(user.id, "intruder"));
    expect(intruder?.secret).not.toBe(patient?.secret);
    // The intruder's browser cannot confirm the patient's key either.
    const patientCode = oathtoolCode(patient!.secret, now());
    expect(await confirmEnrollment(setupOwner(user.id, "intruder"), patientCode)).toMatchObject({ ok: false });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).enrolledAt).toBeNull();
  });

  it("discards every other pending key when one is confirmed", async () => {
    const user = await newPatient();
    const patient = await getOrCreatePendingEnrollment(setupOwner(user.id, "patient-phone"));
    const other = await getOrCreatePendingEnrollment(setupOwner(user.id, "other"));
    expect(await confirmEnrollment(setupOwner(user.id, "patient-phone"), oathtoolCode(patient!.secret, now()))).toEqual({ ok: true });
    expect(await getDb().enrollmentKey.count({ where: { userId: user.id } })).toBe(0);
    expect(await confirmEnrollment(setupOwner(user.id, "other"), oathtoolCode(other!.secret, now() + 30), now() + 30)).toEqual({
      ok: false,
      reason: "not-enrolling",
    });
    expect(await storedSecret(user.id)).toBe(patient!.secret);
  });

  it("lets an unconfirmed key expire with its challenge", async () => {
    const user = await newPatient();
    const start = new Date();
    const first = await getOrCreatePendingEnrollment(setupOwner(user.id), null, start);
    const later = now() + ENROLLMENT_KEY_TTL_SECONDS + 60;
    expect(await confirmEnrollment(setupOwner(user.id), oathtoolCode(first!.secret, later), later)).toEqual({ ok: false, reason: "not-enrolling" });
    const fresh = await getOrCreatePendingEnrollment(setupOwner(user.id), null, new Date(later * 1000));
    expect(fresh?.secret).not.toBe(first?.secret);
  });

  it("lists 'setup started' with the address in the patient's activity", async () => {
    const user = await newPatient();
    await getOrCreatePendingEnrollment(setupOwner(user.id), "198.51.100.7");
    await getOrCreatePendingEnrollment(setupOwner(user.id), "198.51.100.7");
    const started = (await listActivity(user.id)).filter((e) => e.label === "Authenticator setup started");
    expect(started).toHaveLength(1);
    expect(started[0]!.ip).toBe("198.51.100.7");
  });

  it("stores the pending secret encrypted, not as the base32 text", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(setupOwner(user.id));
    const row = await getDb().enrollmentKey.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.secret).toMatch(/^v1\./);
    expect(row.secret).not.toContain(pending!.secret);
  });

  it("binds each sealed secret to its column: a pending key copied into the active column does not decrypt", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(setupOwner(user.id));
    const row = await getDb().enrollmentKey.findFirstOrThrow({ where: { userId: user.id } });
    await getDb().user.update({ where: { id: user.id }, data: { totpSecret: row.secret, enrolledAt: new Date() } });
    await expect(verifyTotpForUser(user.id, oathtoolCode(pending!.secret, now()))).rejects.toThrow(/could not be decrypted/);
  });

  it("changes nothing on a wrong code", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(setupOwner(user.id));
    const before = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await confirmEnrollment(setupOwner(user.id), notACodeOf(pending!.secret))).toMatchObject({ ok: false, reason: "wrong" });
    const after = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toEqual(before);
  });

  it("activates with a valid code, records that code as used, and ends the pending state", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(setupOwner(user.id));
    const code = oathtoolCode(pending!.secret, now());
    expect(await confirmEnrollment(setupOwner(user.id), code)).toEqual({ ok: true });

    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.enrolledAt).toBeInstanceOf(Date);
    expect(row.totpLastStep).toBeGreaterThan(0);
    expect(await storedSecret(user.id)).toBe(pending!.secret);
    expect(await getOrCreatePendingEnrollment(setupOwner(user.id))).toBeNull();
    expect(await replacePendingSecret(setupOwner(user.id))).toBe(false);
    expect(await confirmEnrollment(setupOwner(user.id), code)).toEqual({ ok: false, reason: "not-enrolling" });
  });

  it("activates once when the same code is submitted twice at the same instant", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(setupOwner(user.id));
    const code = oathtoolCode(pending!.secret, now());
    const results = await Promise.all(Array.from({ length: 5 }, () => confirmEnrollment(setupOwner(user.id), code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("gives two tabs of one browser opening the page at once the same secret", async () => {
    const user = await newPatient();
    const [a, b] = await Promise.all([getOrCreatePendingEnrollment(setupOwner(user.id)), getOrCreatePendingEnrollment(setupOwner(user.id))]);
    expect(a?.secret).toBe(b?.secret);
  });
});
