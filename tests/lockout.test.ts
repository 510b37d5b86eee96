import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { renderMessage } from "@/lib/messages";
import { passSecondFactor } from "@/lib/second-factor";
import { confirmEnrollment, getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { oathtoolCode } from "./support/otp";
import { newPatient, setupOwner } from "./support/users";

async function enrolled() {
  const user = await newPatient();
  const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
  const now = Math.floor(Date.now() / 1000);
  expect(await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now), now)).toEqual({ ok: true });
  return { userId: user.id, secret };
}

function wrongCode(secret: string): string {
  const near = Array.from({ length: 21 }, (_, i) => oathtoolCode(secret, Date.now() / 1000 + (i - 10) * 30));
  return ["000000", "111111", "222222", "333333"].find((c) => !near.includes(c))!;
}

const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID()}`;

describe("code guessing lockout", () => {
  it("pauses an account after 10 wrong codes and tells the patient when to retry", async () => {
    const { userId, secret } = await enrolled();
    const wrong = wrongCode(secret);
    const messages: string[] = [];
    const lockedUntil: (Date | undefined)[] = [];
    for (let i = 0; i < 10; i++) {
      const result = await passSecondFactor({ userId, purpose: "sign-in", code: wrong, ip: ip() });
      messages.push(result.ok ? "ok" : renderMessage(result.message).key);
      lockedUntil.push(result.ok ? undefined : result.lockedUntil);
    }
    expect(messages.slice(0, 9).every((m) => m === "codeWrong")).toBe(true);
    expect(messages[9]).toBe("locked");
    // Only a lock says how long every answer will be the same (the server replays it: lib/refusal-memo.mjs).
    expect(lockedUntil.slice(0, 9)).toEqual(Array(9).fill(undefined));
    expect(lockedUntil[9]!.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect(lockedUntil[9]!.getTime() - Date.now()).toBeLessThanOrEqual(60_000);

    // Now even the right code is refused until the pause ends, from any address.
    const right = await passSecondFactor({ userId, purpose: "sign-in", code: oathtoolCode(secret, Date.now() / 1000 + 30), ip: ip() });
    expect(right.ok).toBe(false);
    const rendered = renderMessage(!right.ok ? right.message : "");
    expect(rendered.key).toBe("locked");
    expect(!right.ok && right.lockedUntil).toEqual(lockedUntil[9]);
    expect(rendered.text).toContain("try again in 1 minute");
  });

  it("compares at most 10 codes even when 50 guesses arrive at once", async () => {
    const { userId, secret } = await enrolled();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => passSecondFactor({ userId, purpose: "sign-in", code: String(100000 + i), ip: ip() })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(0);
    const compared = await getDb().securityEvent.count({ where: { userId, type: "code-wrong" } });
    expect(compared).toBeLessThanOrEqual(10);
    void secret;
  });

  it("resets the count after a success, so a patient's typos never add up to a lockout", async () => {
    const { userId, secret } = await enrolled();
    const wrong = wrongCode(secret);
    for (let i = 0; i < 9; i++) await passSecondFactor({ userId, purpose: "sign-in", code: wrong, ip: ip() });
    const ok = await passSecondFactor({ userId, purpose: "sign-in", code: oathtoolCode(secret, Date.now() / 1000 + 30), ip: ip() });
    expect(ok).toMatchObject({ ok: true, method: "totp" });
    for (let i = 0; i < 9; i++) {
      const result = await passSecondFactor({ userId, purpose: "sign-in", code: wrong, ip: ip() });
      expect(!result.ok && renderMessage(result.message).key).toBe("codeWrong");
    }
  });

  it("records wrong codes and the lockout in the patient's activity", async () => {
    const { userId, secret } = await enrolled();
    const wrong = wrongCode(secret);
    for (let i = 0; i < 10; i++) await passSecondFactor({ userId, purpose: "sign-in", code: wrong, ip: "203.0.113.9" });
    const types = (await getDb().securityEvent.findMany({ where: { userId }, select: { type: true, ip: true } })).map((e) => e.type);
    expect(types.filter((t) => t === "code-wrong")).toHaveLength(10);
    expect(types).toContain("lockout");
  });

  it("does not count malformed input as a guess", async () => {
    const { userId } = await enrolled();
    for (let i = 0; i < 20; i++) {
      const result = await passSecondFactor({ userId, purpose: "sign-in", code: "not a code", ip: ip() });
      expect(!result.ok && result.message).toBe("codeOrRecoveryFormat");
    }
    expect(await getDb().rateLimit.count({ where: { key: `code:account:${userId}` } })).toBe(0);
  });
});
