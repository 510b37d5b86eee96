import { describe, expect, it } from "vitest";
import { consumeChallenge, createChallenge, findChallenge, revokeChallenge } from "@/lib/challenge";
import { hashToken } from "@/lib/crypto";
import { getDb } from "@/lib/db";
import { newPatient } from "./support/users";

describe("password-step challenge", () => {
  it("is a random token stored only as a hash, bound to one user and purpose", async () => {
    const user = await newPatient();
    const { token, maxAge } = await createChallenge(user.id, "sign-in");
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(maxAge).toBe(300);
    const rows = await getDb().authChallenge.findMany({ where: { userId: user.id } });
    expect(rows.map((r) => r.tokenHash)).toEqual([hashToken(token)]);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(await findChallenge(token)).toMatchObject({ userId: user.id, purpose: "sign-in" });
  });

  it("can be consumed exactly once", async () => {
    const user = await newPatient();
    const { token } = await createChallenge(user.id, "enroll");
    const results = await Promise.all([consumeChallenge(token), consumeChallenge(token), consumeChallenge(token)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await findChallenge(token)).toBeNull();
  });

  it("stops working when it expires or is revoked", async () => {
    const user = await newPatient();
    const { token } = await createChallenge(user.id, "sign-in");
    await getDb().authChallenge.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await findChallenge(token)).toBeNull();
    expect(await consumeChallenge(token)).toBe(false);

    const second = await createChallenge(user.id, "sign-in");
    await revokeChallenge(second.token);
    expect(await findChallenge(second.token)).toBeNull();
  });

  it("ignores forged, empty and oversized tokens", async () => {
    for (const token of [undefined, "", "forged", "x".repeat(10_000)]) {
      expect(await findChallenge(token)).toBeNull();
    }
  });
});
