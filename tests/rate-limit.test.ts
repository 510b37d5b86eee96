import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkLimit, consumeLimit, resetLimit, type Policy } from "@/lib/rate-limit";

const consecutive: Policy = { prefix: "test:consecutive", max: 3, windowSeconds: null, lockMinutes: [1, 5, 15] };
const windowed: Policy = { prefix: "test:window", max: 3, windowSeconds: 60, lockMinutes: [10] };
const at = (base: number, seconds: number) => new Date(base + seconds * 1000);

describe("attempt budgets stored in the database", () => {
  it("allows max attempts, locks with the last one, and says until when", async () => {
    const key = randomUUID();
    const t0 = Date.now();
    expect(await consumeLimit(consecutive, key, at(t0, 0))).toEqual({ ok: true, lockedUntil: null });
    expect(await consumeLimit(consecutive, key, at(t0, 1))).toEqual({ ok: true, lockedUntil: null });
    const third = await consumeLimit(consecutive, key, at(t0, 2));
    expect(third).toEqual({ ok: true, lockedUntil: at(t0, 2 + 60) });
    expect(await consumeLimit(consecutive, key, at(t0, 3))).toEqual({ ok: false, retryAt: at(t0, 62) });
    expect(await checkLimit(consecutive, key, at(t0, 3))).toEqual({ ok: false, retryAt: at(t0, 62) });
  });

  it("makes each lockout longer (1, 5, 15 minutes, then 15 again) until a success resets it", async () => {
    const key = randomUUID();
    let now = Date.now();
    const seen: number[] = [];
    for (let lockout = 0; lockout < 4; lockout++) {
      let result;
      for (let i = 0; i < consecutive.max; i++) result = await consumeLimit(consecutive, key, new Date(now));
      const until = (result as { lockedUntil: Date }).lockedUntil;
      seen.push((until.getTime() - now) / 60_000);
      now = until.getTime() + 1_000;
    }
    expect(seen).toEqual([1, 5, 15, 15]);

    await resetLimit(consecutive, key);
    for (let i = 0; i < consecutive.max - 1; i++) await consumeLimit(consecutive, key, new Date(now));
    const afterReset = await consumeLimit(consecutive, key, new Date(now));
    expect(afterReset.ok && afterReset.lockedUntil && (afterReset.lockedUntil.getTime() - now) / 60_000).toBe(1);
  });

  it("lets no more than max attempts through when they race", async () => {
    const key = randomUUID();
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 25 }, () => consumeLimit(consecutive, key, now)));
    expect(results.filter((r) => r.ok)).toHaveLength(consecutive.max);
  });

  it("starts a windowed budget over once the window has passed", async () => {
    const key = randomUUID();
    const t0 = Date.now();
    await consumeLimit(windowed, key, at(t0, 0));
    await consumeLimit(windowed, key, at(t0, 10));
    expect(await consumeLimit(windowed, key, at(t0, 61))).toEqual({ ok: true, lockedUntil: null });
    expect(await consumeLimit(windowed, key, at(t0, 62))).toEqual({ ok: true, lockedUntil: null });
  });

  it("keeps separate counts per key", async () => {
    const a = randomUUID();
    const b = randomUUID();
    const now = new Date();
    for (let i = 0; i < consecutive.max; i++) await consumeLimit(consecutive, a, now);
    expect((await checkLimit(consecutive, a, now)).ok).toBe(false);
    expect((await checkLimit(consecutive, b, now)).ok).toBe(true);
  });
});
