import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnrollment } from "@/lib/admin";
import { createAdmin } from "@/lib/users";
import type { Actor } from "@/lib/audit";
import { getConfig } from "@/lib/config";
import { ConfigError, parseConfig } from "@/lib/config-schema";
import { getDb } from "@/lib/db";
import { PHONE_CODE_TTL_MS } from "@/lib/factors/phone/codes";
import { parsePhone } from "@/lib/factors/phone/numbers";
import { phoneOf, sendSignInCode, startPhoneSetup } from "@/lib/factors/phone/phones";
import { factorsOf } from "@/lib/factors/registry";
import { renderMessage } from "@/lib/messages";
import { createPhoneChannels } from "@/lib/messaging/phone";
import { deliverDue } from "@/lib/messaging/worker";
import { passSecondFactor } from "@/lib/second-factor";
import { lastPhoneMessage, uniqueMobile } from "./support/phone";
import { oathtoolCode } from "./support/otp";
import { newPatient, setupOwner, uniqueEmail } from "./support/users";
import { getOrCreatePendingEnrollment } from "@/lib/two-factor";

const ip = () => `203.0.113.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
const challenge = () => randomUUID().replace(/-/g, "");
/** A send's message key (sent or refused), or "ok" for an accepted code. */
const key = (result: { ok: boolean; message?: string }) => (result.message === undefined ? "ok" : renderMessage(result.message).key);

/** A patient whose only second factor is a confirmed phone, set up the way the setup page does it. */
async function phonePatient() {
  const user = await newPatient();
  const number = uniqueMobile();
  const setup = challenge();
  expect(key(await startPhoneSetup({ userId: user.id, challengeId: setup, number: number.typed, channel: "sms", ip: ip() }))).toBe("phoneCodeSent");
  const { code } = await lastPhoneMessage(number.e164);
  expect(key(await passSecondFactor({ userId: user.id, purpose: "enroll", code, ip: ip(), keyOwnerId: setup }))).toBe("ok");
  return { user, number };
}

async function signInCode(userId: string, e164: string, channel: "sms" | "voice" = "sms") {
  const id = challenge();
  expect((await sendSignInCode({ userId, challengeId: id, channel, ip: ip() })).ok).toBe(true);
  return { challengeId: id, ...(await lastPhoneMessage(e164)) };
}

afterEach(() => vi.restoreAllMocks());

describe("phone numbers", () => {
  it("normalises what patients type to E.164 in the default region and tells mobiles from landlines", () => {
    const phone = getConfig().phone;
    expect(parsePhone("07400 123456", phone)).toEqual({ ok: true, e164: "+447400123456", lineType: "mobile" });
    expect(parsePhone("+44 (0)20 7946 0000", phone)).toEqual({ ok: true, e164: "+442079460000", lineType: "fixed-line" });
  });

  it("refuses numbers outside the clinic's countries, service numbers and junk, with a sentence", () => {
    const phone = getConfig().phone;
    const refused = (input: unknown) => {
      const result = parsePhone(input, phone);
      return result.ok ? "ok" : renderMessage(result.message).text;
    };
    expect(refused("+353 85 123 4567")).toMatch(/only send codes to phone numbers in GB/);
    expect(refused("0909 879 0000")).toMatch(/premium-rate/);
    expect(refused("0800 123 4567")).toMatch(/premium-rate, free or service/);
    // UK "personal numbers" forward anywhere and share their call charges: a toll-fraud route.
    expect(refused("070 0000 0000")).toMatch(/premium-rate, free or service/);
    for (const junk of ["", "hello", "0".repeat(40), 12345, null, "07400 12345<script>"]) expect(refused(junk)).toMatch(/whole phone number/);
  });
});

describe("setting up a phone", () => {
  it("counts only after the code sent to it comes back; then sign-in goes to the code step", async () => {
    const user = await newPatient();
    const number = uniqueMobile();
    const setup = challenge();
    expect(await startPhoneSetup({ userId: user.id, challengeId: setup, number: number.typed, channel: "sms", ip: ip() })).toMatchObject({ ok: true });
    expect(await phoneOf(user.id)).toMatchObject({ state: "pending", e164: number.e164, lineType: "mobile" });
    expect(await factorsOf(user.id)).toEqual([]);

    const wrong = await passSecondFactor({ userId: user.id, purpose: "enroll", code: "000000", ip: ip(), keyOwnerId: setup });
    const { code } = await lastPhoneMessage(number.e164);
    if (code !== "000000") expect(key(wrong)).toBe("phoneCodeWrong");
    // The code belongs to this setup's browser only.
    expect(key(await passSecondFactor({ userId: user.id, purpose: "enroll", code, ip: ip(), keyOwnerId: challenge() }))).not.toBe("ok");
    expect(await passSecondFactor({ userId: user.id, purpose: "enroll", code, ip: ip(), keyOwnerId: setup })).toEqual({ ok: true, method: "phone" });
    expect(await factorsOf(user.id)).toEqual([{ kind: "phone", label: `Phone ending ${number.e164.slice(-2)} (text or call)`, state: "in use", firstUse: false }]);
    const account = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { enrolledAt: true } });
    expect(account.enrolledAt).not.toBeNull();
  });
});

describe("correcting the number during setup", () => {
  it("sends to a corrected number at once, and a code sent to an earlier number never confirms a later one", async () => {
    const user = await newPatient();
    const setup = challenge();
    const from = ip();
    const [typo, second, third, fourth] = [uniqueMobile(), uniqueMobile(), uniqueMobile(), uniqueMobile()];
    expect(key(await startPhoneSetup({ userId: user.id, challengeId: setup, number: typo.typed, channel: "sms", ip: from }))).toBe("phoneCodeSent");
    // No 30-second pause for a different number.
    expect(key(await startPhoneSetup({ userId: user.id, challengeId: setup, number: second.typed, channel: "sms", ip: from }))).toBe("phoneCodeSent");
    expect(key(await startPhoneSetup({ userId: user.id, challengeId: setup, number: third.typed, channel: "sms", ip: from }))).toBe("phoneCodeSent");
    const { code } = await lastPhoneMessage(third.e164);
    // The account's send budget (3 in 15 minutes) is spent: the fourth number gets no code, and
    // the code sent to the third must not make the fourth the account's phone.
    expect(key(await startPhoneSetup({ userId: user.id, challengeId: setup, number: fourth.typed, channel: "sms", ip: from }))).toBe("phoneSendLimit");
    expect(await phoneOf(user.id)).toMatchObject({ state: "pending", e164: fourth.e164 });
    expect(key(await passSecondFactor({ userId: user.id, purpose: "enroll", code, ip: from, keyOwnerId: setup }))).not.toBe("ok");
    expect(await factorsOf(user.id)).toEqual([]);
  });
});

describe("changing one's mind during setup", () => {
  it("still takes the app's code after a code was texted for the same setup", async () => {
    const user = await newPatient();
    const owner = setupOwner(user.id);
    const { secret } = (await getOrCreatePendingEnrollment(owner))!;
    const number = uniqueMobile();
    await startPhoneSetup({ userId: user.id, challengeId: owner.ownerId, number: number.typed, channel: "sms", ip: ip() });
    const texted = await lastPhoneMessage(number.e164);
    const appCode = oathtoolCode(secret, Date.now() / 1000);
    if (appCode === texted.code) return;
    expect(await passSecondFactor({ userId: user.id, purpose: "enroll", code: appCode, ip: ip(), keyOwnerId: owner.ownerId })).toEqual({ ok: true, method: "totp" });
    // The phone never became a factor.
    expect((await factorsOf(user.id)).map((factor) => factor.kind)).toEqual(["totp"]);
  });
});

describe("signing in with a texted or called code", () => {
  it("calls a landline, where calls are on, even when a text was asked for", async () => {
    const user = await newPatient();
    const local = String(Math.floor(Math.random() * 1000)).padStart(3, "0");
    const e164 = `+442079460${local}`;
    const setup = challenge();
    expect(key(await startPhoneSetup({ userId: user.id, challengeId: setup, number: `020 7946 0${local}`, channel: "sms", ip: ip() }))).toBe("phoneLandlineCall");
    const call = await lastPhoneMessage(e164);
    expect(call.channel).toBe("voice");
    expect(key(await passSecondFactor({ userId: user.id, purpose: "enroll", code: call.code, ip: ip(), keyOwnerId: setup }))).toBe("ok");
    expect((await signInCode(user.id, e164, "sms")).channel).toBe("voice");
  });

  it("accepts the code sent for this sign-in once, and refuses it for any other sign-in", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    expect(sent.channel).toBe("sms");
    expect(sent.text).toMatch(/^\d{6} is your Test Clinic sign-in code\. It works for 5 minutes\./);
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: challenge() }))).toBe("phoneCodeWrong");
    expect(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: sent.challengeId })).toEqual({ ok: true, method: "phone" });
    // Replay of the same code, one after the other.
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: sent.challengeId }))).toBe("phoneCodeUsed");
  });

  it("succeeds exactly once when the same code arrives twice at the same instant", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    const both = await Promise.all(
      [1, 2].map(() => passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: sent.challengeId })),
    );
    expect(both.filter((r) => r.ok)).toHaveLength(1);
  });

  it("reads the code slowly, twice, in a call; a new code replaces the old one", async () => {
    const { user, number } = await phonePatient();
    const first = await signInCode(user.id, number.e164);
    await getDb().phoneCode.updateMany({ where: { challengeId: first.challengeId }, data: { createdAt: new Date(Date.now() - 60_000) } });
    expect((await sendSignInCode({ userId: user.id, challengeId: first.challengeId, channel: "voice", ip: ip() })).ok).toBe(true);
    const call = await lastPhoneMessage(number.e164);
    expect(call.channel).toBe("voice");
    const spoken = call.code.split("").join(". ");
    expect(call.text).toBe(`Hello. This is Test Clinic. Your sign-in code is: ${spoken}. Again: ${spoken}. Goodbye.`);
    if (first.code !== call.code) {
      expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: first.code, ip: ip(), keyOwnerId: first.challengeId }))).toBe("phoneCodeWrong");
    }
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: call.code, ip: ip(), keyOwnerId: first.challengeId }))).toBe("ok");
  });

  it("refuses a code after its 5 minutes", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    await getDb().phoneCode.updateMany({ where: { challengeId: sent.challengeId }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: sent.challengeId }))).toBe("phoneCodeExpired");
    expect(PHONE_CODE_TTL_MS).toBe(5 * 60_000);
  });

  it("counts wrong phone codes in the same account lockout as app codes", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    const wrong = sent.code === "111111" ? "222222" : "111111";
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) seen.push(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: wrong, ip: ip(), keyOwnerId: sent.challengeId })));
    expect(seen.slice(0, 9).every((k) => k === "phoneCodeWrong")).toBe(true);
    expect(seen[9]).toBe("locked");
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: sent.challengeId }))).toBe("locked");
  });

  it("finds 0 of 1,000 guesses when the limits are out of the way (a 6-digit code from crypto random)", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    const { checkPhoneCode } = await import("@/lib/factors/phone/codes");
    let hits = 0;
    for (let i = 0; i < 1_000; i++) {
      const guess = String((i * 7919 + 13) % 1_000_000).padStart(6, "0");
      if (guess === sent.code) continue;
      if ((await checkPhoneCode(user.id, sent.challengeId, guess)).ok) hits++;
    }
    expect(hits).toBe(0);
  });
});

describe("send limits", () => {
  it("makes a patient wait 30 seconds between codes for the same sign-in", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    const again = await sendSignInCode({ userId: user.id, challengeId: sent.challengeId, channel: "sms", ip: ip() });
    expect(key(again)).toBe("phoneResendWait");
    expect(renderMessage(again.message).text).toMatch(/another one in (29|30) seconds/);
  });

  it("sends at most 3 codes per account in 15 minutes, then says when to retry", async () => {
    const { user, number } = await phonePatient();
    const results = [];
    for (let i = 0; i < 5; i++) results.push(key(await sendSignInCode({ userId: user.id, challengeId: challenge(), channel: "sms", ip: ip() })));
    // The setup code was the first of the 3.
    expect(results).toEqual(["phoneCodeSent", "phoneCodeSent", "phoneSendLimit", "phoneSendLimit", "phoneSendLimit"]);
    expect(await getDb().outboxMessage.count({ where: { recipient: number.e164 } })).toBe(3);
  });

  it("sends at most 3 codes per number in 15 minutes, whichever accounts ask", async () => {
    const number = uniqueMobile();
    const results = [];
    for (let i = 0; i < 5; i++) {
      const user = await newPatient();
      results.push(key(await startPhoneSetup({ userId: user.id, challengeId: challenge(), number: number.typed, channel: "voice", ip: ip() })));
    }
    expect(results).toEqual(["phoneCallPlaced", "phoneCallPlaced", "phoneCallPlaced", "phoneSendLimit", "phoneSendLimit"]);
  });

  it("sends at most 10 codes per address in an hour, whatever the accounts and numbers", async () => {
    const address = ip();
    const results = [];
    for (let i = 0; i < 12; i++) {
      const user = await newPatient();
      results.push(key(await startPhoneSetup({ userId: user.id, challengeId: challenge(), number: uniqueMobile().typed, channel: "sms", ip: address })));
    }
    expect(results.filter((k) => k === "phoneCodeSent")).toHaveLength(10);
    expect(results.slice(10)).toEqual(["phoneSendLimit", "phoneSendLimit"]);
  });

  it("sends nothing while an earlier budget is spent, and never to a number outside the allowlist", async () => {
    const user = await newPatient();
    const result = await startPhoneSetup({ userId: user.id, challengeId: challenge(), number: "+1 202 555 0123", channel: "sms", ip: ip() });
    expect(key(result)).toBe("phoneCountryRefused");
    expect(await phoneOf(user.id)).toBeNull();
    expect(await getDb().outboxMessage.count({ where: { recipient: "+12025550123" } })).toBe(0);
  });
});

describe("the clinic's reset", () => {
  it("removes the phone: its codes stop working and the next sign-in goes to setup", async () => {
    const created = await createAdmin({ email: uniqueEmail("admin"), password: "an admin password", name: "Ada" });
    if (!created.ok) throw new Error("admin");
    const admin: Actor = { id: created.user.id, email: created.user.email, via: "web", ip: "192.0.2.51" };
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    expect(await resetEnrollment(admin, user.id, "Patient's phone was stolen, identity checked")).toEqual({ ok: true });
    expect(await phoneOf(user.id)).toBeNull();
    expect(await factorsOf(user.id)).toEqual([]);
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: sent.code, ip: ip(), keyOwnerId: sent.challengeId }))).not.toBe("ok");
  });
});

describe("texts and calls on a local install (SMS_PROVIDER=outbox)", () => {
  it("writes each message to .outbox/ and logs one line without the code or the number", async () => {
    const { user, number } = await phonePatient();
    const sent = await signInCode(user.id, number.e164);
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const report = await deliverDue({ channels: createPhoneChannels(getConfig().phone), onlyTo: [number.e164] });
    expect(report.sent).toBe(2);
    const mine = lines.filter((line) => line.startsWith("[sms]"));
    expect(mine).toHaveLength(2);
    for (const line of mine) {
      expect(line).toContain(`phone ending ${number.e164.slice(-2)}`);
      expect(line).not.toContain(sent.code);
      expect(line).not.toContain(number.e164.slice(3));
    }
    const file = mine.at(-1)!.split(": ").at(-1)!;
    expect(await readFile(file, "utf8")).toContain(`${sent.code} is your Test Clinic sign-in code`);
  });
});

describe("phone settings", () => {
  const valid = { AUTH_SECRET: "x".repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };
  const problems = (env: Record<string, string>) => {
    try {
      parseConfig({ ...valid, ...env });
      return [];
    } catch (error) {
      return error instanceof ConfigError ? error.problems : [String(error)];
    }
  };

  it("defaults to text and calls through the local outbox, to numbers in the default region only", () => {
    expect(parseConfig(valid).phone).toEqual({ codes: "sms+voice", defaultRegion: "GB", countries: ["GB"], provider: { kind: "outbox" } });
    expect(parseConfig({ ...valid, PHONE_CODES: "off", PHONE_DEFAULT_REGION: "ie", PHONE_COUNTRIES: "IE, gb" }).phone).toMatchObject({
      codes: "off",
      defaultRegion: "IE",
      countries: ["IE", "GB"],
    });
  });

  it.each([
    [{ PHONE_CODES: "yes" }, "PHONE_CODES must be off, sms or sms+voice"],
    [{ PHONE_DEFAULT_REGION: "UK" }, "PHONE_DEFAULT_REGION must be a two-letter country code"],
    [{ PHONE_COUNTRIES: "GB,XX" }, "PHONE_COUNTRIES must be a comma-separated list"],
    [{ SMS_PROVIDER: "carrier-pigeon" }, "SMS_PROVIDER must be"],
  ])("rejects %j with a sentence", (env, message) => {
    expect(problems(env)).toEqual([expect.stringContaining(message)]);
  });
});
