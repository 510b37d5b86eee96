import { describe, expect, it } from "vitest";
import { checkCode, createTotpSecret, timeStep } from "@/lib/totp";
import { normalizeCode } from "@/lib/validation";
import { oathtoolCode } from "./support/otp";

// RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" in base32.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

describe("TOTP check", () => {
  it("matches RFC 6238's test vectors, including a code with a leading zero", async () => {
    expect(await checkCode(RFC_SECRET, "287082", null, 59)).toEqual({ ok: true, step: 1 });
    expect(await checkCode(RFC_SECRET, "081804", null, 1111111109)).toEqual({ ok: true, step: timeStep(1111111109) });
    expect(await checkCode(RFC_SECRET, "005924", null, 1234567890)).toEqual({ ok: true, step: timeStep(1234567890) });
  });

  it("accepts the current step and one either side, and refuses two away", async () => {
    const secret = createTotpSecret();
    const now = 1_800_000_015;
    const step = timeStep(now);
    for (const offset of [-1, 0, 1]) {
      const code = oathtoolCode(secret, now + offset * 30);
      expect(await checkCode(secret, code, null, now)).toEqual({ ok: true, step: step + offset });
    }
    for (const offset of [-2, 2]) {
      const code = oathtoolCode(secret, now + offset * 30);
      const nearby = [-1, 0, 1].map((o) => oathtoolCode(secret, now + o * 30));
      if (nearby.includes(code)) continue; // a one-in-a-million collision, not a window bug
      // Never accepted, only recognised as a phone clock that is a minute off.
      expect(await checkCode(secret, code, null, now)).toEqual({ ok: false, reason: "wrong", driftSteps: offset });
    }
  });

  it("recognises a phone clock up to 5 minutes off, in which direction, and no further", async () => {
    const secret = createTotpSecret();
    const now = 1_800_000_015;
    const window = [-1, 0, 1].map((o) => oathtoolCode(secret, now + o * 30));
    for (const offset of [-10, -4, 3, 10]) {
      const code = oathtoolCode(secret, now + offset * 30);
      if (window.includes(code)) continue;
      expect(await checkCode(secret, code, null, now)).toMatchObject({ ok: false, reason: "wrong", driftSteps: offset });
    }
    const farOff = oathtoolCode(secret, now + 11 * 30);
    const nearby = Array.from({ length: 21 }, (_, i) => oathtoolCode(secret, now + (i - 10) * 30));
    if (!nearby.includes(farOff)) {
      expect(await checkCode(secret, farOff, null, now)).toEqual({ ok: false, reason: "wrong", driftSteps: undefined });
    }
  });

  it("reports a code for an already used step as used, not wrong", async () => {
    const secret = createTotpSecret();
    const now = 1_800_000_015;
    const code = oathtoolCode(secret, now);
    expect(await checkCode(secret, code, timeStep(now), now)).toEqual({ ok: false, reason: "used" });
    expect(await checkCode(secret, oathtoolCode(secret, now - 30), timeStep(now), now)).toEqual({ ok: false, reason: "used" });
    expect(await checkCode(secret, oathtoolCode(secret, now + 30), timeStep(now), now)).toEqual({ ok: true, step: timeStep(now) + 1 });
  });

  it("creates random 160-bit secrets", () => {
    const secrets = new Set(Array.from({ length: 50 }, () => createTotpSecret()));
    expect(secrets.size).toBe(50);
    for (const s of secrets) expect(s).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 chars = 20 bytes
  });
});

describe("code as typed", () => {
  it.each([
    ["081804", "081804"],
    [" 081 804 ", "081804"],
    ["081-804", "081804"],
    ["０８１８０４", "081804"],
    ["081\u00a0804", "081804"],
  ])("reads %j as %s", (input, expected) => {
    expect(normalizeCode(input)).toBe(expected);
  });

  it.each([["81804"], ["0818045"], ["abcdef"], [""], ["12345e"], ["1".repeat(10_000_000)], [81804], [null], [undefined], [{}]])(
    "refuses %j",
    (input) => {
      expect(normalizeCode(input)).toBeNull();
    },
  );
});
