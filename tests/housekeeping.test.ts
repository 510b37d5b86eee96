import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createChallenge, findChallenge } from "@/lib/challenge";
import { hashToken } from "@/lib/crypto";
import { getDb } from "@/lib/db";
import { runHousekeeping } from "@/lib/housekeeping";
import { checkLimit, consumeLimit, resetLimit, type Policy } from "@/lib/rate-limit";
import { newPatient } from "./support/users";

const consecutive: Policy = { prefix: "test:prune", max: 3, windowSeconds: null, lockMinutes: [1, 5, 4 * 24 * 60] };
const DAY = 24 * 60 * 60 * 1000;

describe("housekeeping, off the request path", () => {
  it("deletes counters idle for a day, keeps recent ones and long locks", async () => {
    const [idle, recent, longLocked] = [randomUUID(), randomUUID(), randomUUID()];
    const t0 = Date.now() - 3 * DAY;
    await consumeLimit(consecutive, idle, new Date(t0));
    await consumeLimit(consecutive, recent, new Date());
    // Three lockouts in a row: the third lasts 4 days and must outlive the pruning.
    for (let lockout = 0, now = t0; lockout < 3; lockout++) {
      let result;
      for (let i = 0; i < consecutive.max; i++) result = await consumeLimit(consecutive, longLocked, new Date(now));
      now = (result as { lockedUntil: Date }).lockedUntil.getTime() + (lockout < 2 ? 1_000 : 0);
    }

    await runHousekeeping();
    const left = await getDb().rateLimit.findMany({ where: { key: { startsWith: "test:prune:" } }, select: { key: true } });
    const keys = left.map((row) => row.key.replace("test:prune:", ""));
    expect(keys).not.toContain(idle);
    expect(keys).toContain(recent);
    expect(keys).toContain(longLocked);
    expect((await checkLimit(consecutive, longLocked)).ok).toBe(false);
  });

  it("a success resets a counter in place: the next failure starts from one", async () => {
    const key = randomUUID();
    for (let i = 0; i < consecutive.max - 1; i++) await consumeLimit(consecutive, key);
    await resetLimit(consecutive, key);
    expect(await getDb().rateLimit.count({ where: { key: `test:prune:${key}` } })).toBe(1);
    expect(await consumeLimit(consecutive, key)).toEqual({ ok: true, lockedUntil: null });
    expect(await consumeLimit(consecutive, key)).toEqual({ ok: true, lockedUntil: null });
    expect((await consumeLimit(consecutive, key)).ok && true).toBe(true);
    expect((await checkLimit(consecutive, key)).ok).toBe(false);
  });

  it("deletes expired challenges and keeps live ones", async () => {
    const user = await newPatient();
    const live = await createChallenge(user.id, "sign-in");
    const old = await createChallenge(user.id, "sign-in");
    await getDb().authChallenge.update({ where: { tokenHash: hashToken(old.token) }, data: { expiresAt: new Date(Date.now() - 1_000) } });

    await runHousekeeping();
    expect(await getDb().authChallenge.findUnique({ where: { tokenHash: hashToken(old.token) } })).toBeNull();
    expect(await findChallenge(live.token)).toMatchObject({ userId: user.id, purpose: "sign-in" });
  });
});

describe("housekeeping of setup keys", () => {
  it("deletes setup keys whose time ran out and keeps live ones", async () => {
    const { getOrCreatePendingEnrollment, ENROLLMENT_KEY_TTL_SECONDS } = await import("@/lib/two-factor");
    const { setupOwner } = await import("./support/users");
    const user = await newPatient();
    await getOrCreatePendingEnrollment(setupOwner(user.id, "stale"), null, new Date(Date.now() - (ENROLLMENT_KEY_TTL_SECONDS + 60) * 1000));
    await getOrCreatePendingEnrollment(setupOwner(user.id, "live"));
    await runHousekeeping();
    const left = await getDb().enrollmentKey.findMany({ where: { userId: user.id }, select: { ownerId: true } });
    expect(left.map((k) => k.ownerId)).toEqual([`live-${user.id}`]);
  });
});
