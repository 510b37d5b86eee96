import { randomUUID } from "node:crypto";
import { generate } from "otplib";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { hotpCode } from "@/lib/factors/hotp/codes";
import { LOOK_AHEAD, verifyHotpForUser } from "@/lib/factors/hotp/tokens";
import { renderMessage } from "@/lib/messages";
import { passSecondFactor } from "@/lib/second-factor";
import { oathtoolHotp, patientWithToken } from "./support/hotp";

const RFC_SECRET_HEX = Buffer.from("12345678901234567890").toString("hex");
/** RFC 4226 appendix D. */
const RFC_CODES = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
const ip = () => `203.0.113.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
const signIn = (userId: string, code: string) => passSecondFactor({ userId, purpose: "sign-in", code, ip: ip() });
const keyOf = (result: Awaited<ReturnType<typeof signIn>>) => (result.ok ? "ok" : renderMessage(result.message).key);

describe("HOTP codes", () => {
  it("match RFC 4226 appendix D, oathtool --hotp and otplib for every test counter", async () => {
    const key = Buffer.from(RFC_SECRET_HEX, "hex");
    for (let counter = 0; counter < RFC_CODES.length; counter++) {
      expect(hotpCode(key, counter)).toBe(RFC_CODES[counter]);
      expect(oathtoolHotp(RFC_SECRET_HEX, counter)).toBe(RFC_CODES[counter]);
      expect(await generate({ strategy: "hotp", secret: new Uint8Array(key), counter })).toBe(RFC_CODES[counter]);
    }
    expect(hotpCode(key, 0, 8)).toBe(oathtoolHotp(RFC_SECRET_HEX, 0, 8));
  });
});

describe("keyfob sign-in", () => {
  it("the first code proves a handed-out keyfob and gives the account a second factor", async () => {
    const { user, code } = await patientWithToken();
    expect(await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ enrolledAt: null });
    expect(await signIn(user.id, code(0))).toEqual({ ok: true, method: "keyfob" });
    const token = await getDb().hardwareToken.findUniqueOrThrow({ where: { userId: user.id } });
    expect(token).toMatchObject({ state: "active", counter: 1 });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).enrolledAt).not.toBeNull();
  });

  it("accepts a code a few presses ahead, then refuses it and every earlier one", async () => {
    const { user, code } = await patientWithToken();
    expect(await signIn(user.id, code(4))).toMatchObject({ ok: true });
    expect(keyOf(await signIn(user.id, code(4)))).toBe("keyfobUsed");
    expect(keyOf(await signIn(user.id, code(2)))).toBe("keyfobUsed");
    expect(await signIn(user.id, code(5))).toMatchObject({ ok: true });
  });

  it("lets exactly one of many simultaneous submissions of one code through", async () => {
    const { user, code } = await patientWithToken();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifyHotpForUser(user.id, code(1))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "used")).toHaveLength(19);
  });

  it("resynchronises after 20 unused presses with two consecutive codes", async () => {
    const { user, code } = await patientWithToken();
    expect(await signIn(user.id, code(0))).toMatchObject({ ok: true });
    // 20 presses nobody typed: the next code is beyond the look-ahead window.
    expect(1 + 20).toBeGreaterThan(LOOK_AHEAD);
    expect(keyOf(await signIn(user.id, code(21)))).toBe("keyfobPressAgain");
    expect(await signIn(user.id, code(22))).toEqual({ ok: true, method: "keyfob" });
    expect((await getDb().hardwareToken.findUniqueOrThrow({ where: { userId: user.id } })).counter).toBe(23);
    expect(keyOf(await signIn(user.id, code(21)))).toBe("keyfobUsed");
  });

  it("does not resynchronise on two codes that are not consecutive, nor beyond the larger window", async () => {
    const { user, code } = await patientWithToken();
    expect(keyOf(await signIn(user.id, code(30)))).toBe("keyfobPressAgain");
    expect(keyOf(await signIn(user.id, code(32)))).toBe("keyfobPressAgain");
    expect(await signIn(user.id, code(33))).toMatchObject({ ok: true });
    const other = await patientWithToken();
    expect(keyOf(await signIn(other.user.id, other.code(150)))).toBe("keyfobWrong");
    expect(keyOf(await signIn(other.user.id, other.code(151)))).toBe("keyfobWrong");
  });

  it("wrong keyfob codes count in the same account lockout as app codes", async () => {
    const { user, code } = await patientWithToken();
    const near = new Set(Array.from({ length: 120 }, (_, i) => code(i)));
    const wrong = ["000000", "111111", "222222", "333333", "444444"].find((c) => !near.has(c))!;
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(keyOf(await signIn(user.id, wrong)));
    expect(seen.slice(0, 9).every((k) => k === "keyfobWrong")).toBe(true);
    expect(seen[9]).toBe("locked");
    expect(keyOf(await signIn(user.id, code(0)))).toBe("locked");
    const limit = await getDb().rateLimit.findUniqueOrThrow({ where: { key: `code:account:${user.id}` } });
    expect(limit.lockedUntil).not.toBeNull();
  });

  it("takes 8-digit keyfob codes and never reads their first six digits as an app code", async () => {
    const { user, code } = await patientWithToken(8);
    expect(code(0)).toHaveLength(8);
    expect(keyOf(await signIn(user.id, code(0).slice(0, 6)))).toBe("keyfobWrong");
    expect(await signIn(user.id, code(0))).toMatchObject({ ok: true, method: "keyfob" });
  });

  it("a lost keyfob's codes stop working at once", async () => {
    const { user, serial, code } = await patientWithToken();
    expect(await signIn(user.id, code(0))).toMatchObject({ ok: true });
    const { releaseToken } = await import("@/lib/factors/hotp/tokens");
    const { consoleActor } = await import("./support/hotp");
    expect(await releaseToken(consoleActor, serial, "lost", "patient reported it lost")).toEqual({ ok: true });
    expect(await signIn(user.id, code(1))).toMatchObject({ ok: false });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).enrolledAt).toBeNull();
  });
});

describe("a patient with both an app and a keyfob", () => {
  it("signs in with either, each code once, wrong codes counted once per attempt", async () => {
    const { enrolledPatient } = await import("./support/users");
    const { oathtoolCode } = await import("./support/otp");
    const { importedToken, consoleActor } = await import("./support/hotp");
    const { assignToken } = await import("@/lib/factors/hotp/tokens");
    const { user, secret, now } = await enrolledPatient();
    const token = await importedToken();
    expect(await assignToken(consoleActor, token.serial, user.email, "spare for when the phone is flat")).toEqual({ ok: true });
    expect(await signIn(user.id, token.code(0))).toEqual({ ok: true, method: "keyfob" });
    const appCode = oathtoolCode(secret, now + 30);
    const viaApp = await passSecondFactor({ userId: user.id, purpose: "sign-in", code: appCode, ip: ip() });
    // The next 30-second step's code: within the accepted ±1 step for the few seconds this test runs.
    expect(viaApp).toEqual({ ok: true, method: "totp" });
    expect(keyOf(await signIn(user.id, token.code(0)))).toBe("keyfobUsed");
    const limit = await getDb().rateLimit.findUniqueOrThrow({ where: { key: `code:account:${user.id}` } });
    expect(limit.count).toBe(1);
  });
});
