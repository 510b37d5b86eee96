import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { confirmEnrollment, getOrCreatePendingEnrollment, replacePendingSecret } from "@/lib/two-factor";
import { oathtoolCode } from "./support/otp";
import { newPatient, storedSecret } from "./support/users";

const now = () => Date.now() / 1000;

describe("enrollment", () => {
  it("keeps the pending secret across page loads until a new one is asked for", async () => {
    const user = await newPatient();
    const first = await getOrCreatePendingEnrollment(user.id);
    const again = await getOrCreatePendingEnrollment(user.id);
    expect(first?.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(again?.secret).toBe(first?.secret);
    expect(first?.uri).toContain(`secret=${first?.secret}`);

    expect(await replacePendingSecret(user.id)).toBe(true);
    const replaced = await getOrCreatePendingEnrollment(user.id);
    expect(replaced?.secret).not.toBe(first?.secret);

    // The old QR code no longer works.
    const oldCode = oathtoolCode(first!.secret, now());
    if (oldCode !== oathtoolCode(replaced!.secret, now())) {
      expect(await confirmEnrollment(user.id, oldCode)).toEqual({ ok: false, reason: "wrong" });
    }
  });

  it("stores the pending secret encrypted, not as the base32 text", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(user.id);
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpPendingSecret).toBeTruthy();
    expect(row.totpPendingSecret).not.toContain(pending!.secret);
  });

  it("changes nothing on a wrong code", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(user.id);
    const before = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    const right = [-1, 0, 1].map((o) => oathtoolCode(pending!.secret, now() + o * 30));
    const wrong = ["000000", "123456", "999999"].find((c) => !right.includes(c))!;
    expect(await confirmEnrollment(user.id, wrong)).toEqual({ ok: false, reason: "wrong" });
    const after = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after).toEqual(before);
  });

  it("activates with a valid code, records that code as used, and ends the pending state", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(user.id);
    const code = oathtoolCode(pending!.secret, now());
    expect(await confirmEnrollment(user.id, code)).toEqual({ ok: true });

    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.enrolledAt).toBeInstanceOf(Date);
    expect(row.totpPendingSecret).toBeNull();
    expect(row.totpLastStep).toBeGreaterThan(0);
    expect(await storedSecret(user.id, "totpSecret")).toBe(pending!.secret);
    expect(await getOrCreatePendingEnrollment(user.id)).toBeNull();
    expect(await replacePendingSecret(user.id)).toBe(false);
    expect(await confirmEnrollment(user.id, code)).toEqual({ ok: false, reason: "not-enrolling" });
  });

  it("activates once when the same code is submitted twice at the same instant", async () => {
    const user = await newPatient();
    const pending = await getOrCreatePendingEnrollment(user.id);
    const code = oathtoolCode(pending!.secret, now());
    const results = await Promise.all(Array.from({ length: 5 }, () => confirmEnrollment(user.id, code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("gives two tabs opening the page at once the same secret", async () => {
    const user = await newPatient();
    const [a, b] = await Promise.all([getOrCreatePendingEnrollment(user.id), getOrCreatePendingEnrollment(user.id)]);
    expect(a?.secret).toBe(b?.secret);
  });
});
