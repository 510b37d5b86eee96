import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createSession, findActiveSession } from "@/lib/sessions";
import { confirmEnrollment, getOrCreatePendingEnrollment, verifyTotpForUser, type KeyOwner } from "@/lib/two-factor";
import { resetEnrollment } from "@/lib/admin";
import { issueFirstRecoveryCodes } from "@/lib/recovery-codes";
import { oathtoolCode } from "./support/otp";
import { enrolledPatient, setupOwner } from "./support/users";

describe("the clock hint gives a guesser nothing", () => {
  it("never accepts a code once it was answered 'your clock is fast', even when its time comes", async () => {
    const { user, secret, now } = await enrolledPatient();
    const ahead = oathtoolCode(secret, now + 3 * 30);
    // Today: the patient (or a guesser who hit it) is told the phone is about 2 minutes fast.
    expect(await verifyTotpForUser(user.id, ahead, now)).toEqual({ ok: false, reason: "wrong", driftSteps: 3 });
    // When that step is due, the very code is refused: the hint revealed a code that will never work.
    for (const later of [now + 2 * 30, now + 3 * 30, now + 4 * 30]) {
      expect(await verifyTotpForUser(user.id, ahead, later)).toMatchObject({ ok: false });
    }
    // The patient's next real code (after fixing the clock) works, and the remembered step is dropped.
    expect(await verifyTotpForUser(user.id, oathtoolCode(secret, now + 5 * 30), now + 5 * 30)).toEqual({ ok: true });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).totpHintedSteps).toBeNull();
  });

  it("remembers hints given at the same instant", async () => {
    const { user, secret, now } = await enrolledPatient();
    const codes = [2, 4, 6, 8].map((k) => oathtoolCode(secret, now + k * 30));
    await Promise.all(codes.map((code) => verifyTotpForUser(user.id, code, now)));
    for (const [i, k] of [2, 4, 6, 8].entries()) {
      expect(await verifyTotpForUser(user.id, codes[i]!, now + k * 30)).toMatchObject({ ok: false });
    }
  });

  it("still hints a slow phone (a past step can never become valid)", async () => {
    const { user, secret, now } = await enrolledPatient();
    expect(await verifyTotpForUser(user.id, oathtoolCode(secret, now - 4 * 30), now + 30)).toEqual({ ok: false, reason: "wrong", driftSteps: -5 });
  });
});

describe("codes of a key the patient no longer uses", () => {
  it("are recognised at sign-in after a new phone, not answered with the clock hint", async () => {
    const { user, secret: oldSecret, now } = await enrolledPatient();
    const sid = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const owner: KeyOwner = { userId: user.id, ownerId: sid, kind: "new-phone" };
    const { secret: newSecret } = (await getOrCreatePendingEnrollment(owner))!;
    // On the new-phone page, a code from the old phone is recognised.
    const oldCode = oathtoolCode(oldSecret, now + 30);
    if (oldCode !== oathtoolCode(newSecret, now + 30)) {
      expect(await confirmEnrollment(owner, oldCode, now + 30)).toEqual({ ok: false, reason: "old-key" });
    }
    expect(await confirmEnrollment(owner, oathtoolCode(newSecret, now + 30), now + 30, sid)).toEqual({ ok: true });
    const stale = oathtoolCode(oldSecret, now + 60);
    if (stale !== oathtoolCode(newSecret, now + 60)) {
      expect(await verifyTotpForUser(user.id, stale, now + 60)).toEqual({ ok: false, reason: "old-key" });
    }
  });

  it("are recognised on the setup page after a reset by the clinic", async () => {
    const { user, secret: lost, now } = await enrolledPatient();
    await resetEnrollment({ id: null, email: "ops@example.test", via: "cli", ip: null }, user.id, "Lost phone, ID checked");
    const { secret: fresh } = (await getOrCreatePendingEnrollment(setupOwner(user.id, "after-reset")))!;
    const old = oathtoolCode(lost, now + 30);
    if (old !== oathtoolCode(fresh, now + 30)) {
      expect(await confirmEnrollment(setupOwner(user.id, "after-reset"), old, now + 30)).toEqual({ ok: false, reason: "old-key" });
    }
  });
});

describe("a new phone", () => {
  it("ends every other session in the same step that switches the key, before new recovery codes exist", async () => {
    const { user, now } = await enrolledPatient();
    await issueFirstRecoveryCodes(user.id);
    const here = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const elsewhere = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const owner: KeyOwner = { userId: user.id, ownerId: here, kind: "new-phone" };
    const { secret } = (await getOrCreatePendingEnrollment(owner))!;
    expect(await confirmEnrollment(owner, oathtoolCode(secret, now + 30), now + 30, here)).toEqual({ ok: true });
    // No other call is needed: the moment the key switched, the other device was out.
    expect(await findActiveSession(elsewhere)).toBeNull();
    expect(await findActiveSession(here)).not.toBeNull();
    expect(await getDb().recoveryCode.count({ where: { userId: user.id } })).toBe(0);
  });
});
