import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { renderMessage } from "@/lib/messages";
import { issueFirstRecoveryCodes, issueRecoveryCodes, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from "@/lib/recovery-codes";
import { passSecondFactor } from "@/lib/second-factor";
import { confirmEnrollment, getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { oathtoolCode } from "./support/otp";
import { newPatient, setupOwner } from "./support/users";

async function enrolled() {
  const user = await newPatient();
  const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
  const now = Math.floor(Date.now() / 1000);
  await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now), now);
  return user.id;
}

describe("recovery codes", () => {
  it("issues 10 distinct readable codes of 60 bits, stored only as keyed hashes", async () => {
    const userId = await enrolled();
    const codes = (await issueFirstRecoveryCodes(userId))!;
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/);
    const stored = await getDb().recoveryCode.findMany({ where: { userId } });
    expect(stored).toHaveLength(10);
    const dump = JSON.stringify(stored);
    for (const code of codes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace(/-/g, ""));
    }
  });

  it("shows the first set once; later sets replace the old ones", async () => {
    const userId = await enrolled();
    const first = (await issueFirstRecoveryCodes(userId))!;
    expect(await issueFirstRecoveryCodes(userId)).toBeNull();
    const second = await issueRecoveryCodes(userId);
    const result = await passSecondFactor({ userId, purpose: "sign-in", code: first[0]!, ip: "192.0.2.1" });
    expect(!result.ok && result.message).toBe("recoveryWrong");
    expect(await passSecondFactor({ userId, purpose: "sign-in", code: second[0]!, ip: "192.0.2.1" })).toMatchObject({ ok: true });
  });

  it("signs in once per code, says how many remain, and works however it is typed", async () => {
    const userId = await enrolled();
    const codes = (await issueFirstRecoveryCodes(userId))!;
    const typed = ` ${codes[3]!.toUpperCase().replace(/-/g, " ")} `;
    expect(await passSecondFactor({ userId, purpose: "sign-in", code: typed, ip: "192.0.2.1" })).toEqual({
      ok: true,
      method: "recovery-code",
      remainingRecoveryCodes: 9,
    });
    const again = await passSecondFactor({ userId, purpose: "sign-in", code: codes[3]!, ip: "192.0.2.1" });
    expect(!again.ok && renderMessage(again.message).key).toBe("recoveryWrong");
  });

  it("lets one of two simultaneous uses of a code through", async () => {
    const userId = await enrolled();
    const codes = (await issueFirstRecoveryCodes(userId))!;
    const results = await Promise.all([1, 2, 3].map(() => passSecondFactor({ userId, purpose: "sign-in", code: codes[0]!, ip: "192.0.2.1" })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("counts wrong recovery codes toward the same lockout as wrong 6-digit codes", async () => {
    const userId = await enrolled();
    await issueFirstRecoveryCodes(userId);
    const keys: string[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await passSecondFactor({ userId, purpose: "sign-in", code: `zzzz-zzzz-zz${i}${i}`, ip: "192.0.2.2" });
      keys.push(result.ok ? "ok" : renderMessage(result.message).key);
    }
    expect(keys.at(-1)).toBe("locked");
  });

  it("is not accepted while enrolling a phone, where only the new key's code proves the scan", async () => {
    const user = await newPatient();
    await getOrCreatePendingEnrollment(setupOwner(user.id));
    const result = await passSecondFactor({ userId: user.id, purpose: "enroll", code: "abcd-efgh-jkmn", ip: "192.0.2.3" });
    expect(!result.ok && result.message).toBe("codeFormat");
  });

  it("reads i, l and o as 1, 1 and 0 and refuses anything else", () => {
    expect(normalizeRecoveryCode("ABCD-EFGH-JKMN")).toBe("abcdefghjkmn");
    expect(normalizeRecoveryCode("il0o-1111-0000")).toBe("11001111" + "0000");
    for (const bad of ["abcd-efgh-jkm", "abcd-efgh-jkmnp", "abcd-efgh-jkmu", "x".repeat(100), ""]) {
      expect(normalizeRecoveryCode(bad)).toBeNull();
    }
  });
});
