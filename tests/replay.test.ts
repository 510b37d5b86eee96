import { beforeEach, describe, expect, it } from "vitest";
import { confirmEnrollment, getOrCreatePendingEnrollment, verifyTotpForUser } from "@/lib/two-factor";
import { timeStep } from "@/lib/totp";
import { oathtoolCode } from "./support/otp";
import { newPatient, setupOwner } from "./support/users";

let userId: string;
let secret: string;
let enrolledAt: number;

beforeEach(async () => {
  const user = await newPatient();
  const pending = await getOrCreatePendingEnrollment(setupOwner(user.id));
  userId = user.id;
  secret = pending!.secret;
  enrolledAt = Math.floor(Date.now() / 1000);
  expect(await confirmEnrollment(setupOwner(userId), oathtoolCode(secret, enrolledAt), enrolledAt)).toEqual({ ok: true });
});

describe("replay protection", () => {
  it("refuses the enrollment code at sign-in", async () => {
    expect(await verifyTotpForUser(userId, oathtoolCode(secret, enrolledAt), enrolledAt)).toEqual({ ok: false, reason: "used" });
  });

  it("accepts a new code once, then refuses it and every older one", async () => {
    const next = oathtoolCode(secret, enrolledAt + 30);
    expect(await verifyTotpForUser(userId, next, enrolledAt + 30)).toEqual({ ok: true });
    expect(await verifyTotpForUser(userId, next, enrolledAt + 30)).toEqual({ ok: false, reason: "used" });
    expect(await verifyTotpForUser(userId, next, enrolledAt + 45)).toEqual({ ok: false, reason: "used" });
    // A still-in-window code from before the accepted one is used up too.
    expect(await verifyTotpForUser(userId, oathtoolCode(secret, enrolledAt), enrolledAt + 30)).toEqual({ ok: false, reason: "used" });
  });

  it("lets exactly one of many simultaneous submissions of one code through", async () => {
    const at = enrolledAt + 60;
    const code = oathtoolCode(secret, at);
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyTotpForUser(userId, code, at)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "used")).toHaveLength(19);
  });

  it("refuses a code for a user who never enrolled", async () => {
    const other = await newPatient();
    expect(await verifyTotpForUser(other.id, oathtoolCode(secret, enrolledAt + 30), enrolledAt + 30)).toEqual({
      ok: false,
      reason: "not-enrolled",
    });
  });

  it("a valid code from a later step still works after an earlier one was used", async () => {
    expect(timeStep(enrolledAt + 30)).toBeGreaterThan(timeStep(enrolledAt));
    expect(await verifyTotpForUser(userId, oathtoolCode(secret, enrolledAt + 30), enrolledAt + 30)).toEqual({ ok: true });
    expect(await verifyTotpForUser(userId, oathtoolCode(secret, enrolledAt + 60), enrolledAt + 60)).toEqual({ ok: true });
  });
});
