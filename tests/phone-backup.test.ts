import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { cooldownLeft, lastDelivery } from "@/lib/factors/phone/codes";
import { sendSignInCode, startPhoneSetup } from "@/lib/factors/phone/phones";
import {
  cancelWaitingNumber,
  numberChallenge,
  phoneSettingsOf,
  removePhone,
  sendStepUpCode,
  startPhoneNumber,
  stepUpChallenge,
} from "@/lib/factors/phone/settings";
import { factorsOf } from "@/lib/factors/registry";
import { renderMessage } from "@/lib/messages";
import { createPhoneChannels } from "@/lib/messaging/phone";
import { openBody } from "@/lib/messaging/outbox";
import { deliverDue } from "@/lib/messaging/worker";
import { passSecondFactor } from "@/lib/second-factor";
import { startRecorder, type Recorded } from "./support/provider-recorder";
import { lastPhoneMessage, uniqueMobile } from "./support/phone";
import { enrolledPatient, newPatient } from "./support/users";
import { oathtoolCode } from "./support/otp";
import { confirmEnrollment, getOrCreatePendingEnrollment } from "@/lib/two-factor";

const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID()}`;
const key = (result: { ok: boolean; message?: string }) => (result.message === undefined ? "ok" : renderMessage(result.message).key);
const kinds = async (userId: string) => (await factorsOf(userId)).map((factor) => factor.kind).sort();

/** Every message queued for a recipient, oldest first, opened the way only the server can. */
async function messagesTo(recipient: string) {
  const rows = await getDb().outboxMessage.findMany({ where: { recipient }, orderBy: { createdAt: "asc" }, select: { kind: true, channel: true, messageId: true, body: true } });
  return rows.map((row) => ({ kind: row.kind, channel: row.channel, text: openBody(row.messageId, row.body).text }));
}

/** Stands in for the account's send budget's 15 minutes passing (other test files count in the same table). */
async function forgetSendBudgets(userId: string) {
  await getDb().rateLimit.deleteMany({ where: { key: { startsWith: "phone-send:account", contains: userId } } });
}

async function emailsOf(userId: string) {
  const { email } = await getDb().user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  return messagesTo(email);
}

/** An app patient who confirmed a backup phone from settings, in session `sessionId`. */
async function appPatientWithPhone() {
  const { user, secret } = await enrolledPatient();
  const number = uniqueMobile();
  const sessionId = randomUUID();
  expect(key(await startPhoneNumber({ userId: user.id, sessionId, number: number.typed, channel: "sms", ip: ip() }))).toBe("phoneCodeSent");
  const { code } = await lastPhoneMessage(number.e164);
  expect(key(await passSecondFactor({ userId: user.id, purpose: "phone-number", code, ip: ip(), keyOwnerId: numberChallenge(sessionId) }))).toBe("ok");
  return { user, secret, number, sessionId };
}

describe("a phone as a backup to the authenticator app", () => {
  it("counts only once the code sent to it comes back, and the app stays", async () => {
    const { user } = await enrolledPatient();
    const number = uniqueMobile();
    const sessionId = randomUUID();
    await startPhoneNumber({ userId: user.id, sessionId, number: number.typed, channel: "sms", ip: ip() });
    expect(await kinds(user.id)).toEqual(["totp"]);
    expect(await phoneSettingsOf(user.id)).toEqual({ active: null, waiting: { last: number.e164.slice(-2) }, hasOtherFactor: true });
    const { code } = await lastPhoneMessage(number.e164);
    const wrong = code === "000000" ? "111111" : "000000";
    expect(key(await passSecondFactor({ userId: user.id, purpose: "phone-number", code: wrong, ip: ip(), keyOwnerId: numberChallenge(sessionId) }))).toBe("phoneCodeWrong");
    // Nothing is sent to an unconfirmed number at sign-in.
    expect((await sendSignInCode({ userId: user.id, challengeId: randomUUID(), channel: "sms", ip: ip() })).ok).toBe(false);
    expect(await passSecondFactor({ userId: user.id, purpose: "phone-number", code, ip: ip(), keyOwnerId: numberChallenge(sessionId) })).toEqual({ ok: true, method: "phone" });
    expect(await kinds(user.id)).toEqual(["phone", "totp"]);

    const added = (await emailsOf(user.id)).find((mail) => mail.kind === "phone-added")!;
    expect(added.text).toContain(`A phone ending ${number.e164.slice(-2)} was confirmed`);
    expect(added.text).toContain("An authenticator app is safer");
    expect(added.text).not.toContain(number.e164.slice(3));
    const events = await getDb().securityEvent.findMany({ where: { userId: user.id, type: "phone-added" } });
    expect(events).toHaveLength(1);
  });

  it("keeps each code to its purpose: a number's code passes no step-up or sign-in, a step-up code confirms no number", async () => {
    const { user } = await enrolledPatient();
    const number = uniqueMobile();
    const sessionId = randomUUID();
    await startPhoneNumber({ userId: user.id, sessionId, number: number.typed, channel: "sms", ip: ip() });
    const { code } = await lastPhoneMessage(number.e164);
    expect(key(await passSecondFactor({ userId: user.id, purpose: "step-up", code, ip: ip(), keyOwnerId: stepUpChallenge(sessionId) }))).not.toBe("ok");
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code, ip: ip(), keyOwnerId: numberChallenge(sessionId) }))).not.toBe("ok");
    // Another session's confirmation does not take this session's code either.
    expect(key(await passSecondFactor({ userId: user.id, purpose: "phone-number", code, ip: ip(), keyOwnerId: numberChallenge(randomUUID()) }))).not.toBe("ok");
    expect(await kinds(user.id)).toEqual(["totp"]);
  });

  it("a code for a number typed earlier does not confirm the number typed after it", async () => {
    const { user } = await enrolledPatient();
    const [first, second] = [uniqueMobile(), uniqueMobile()];
    const sessionId = randomUUID();
    await startPhoneNumber({ userId: user.id, sessionId, number: first.typed, channel: "sms", ip: ip() });
    const { code } = await lastPhoneMessage(first.e164);
    await getDb().phoneCode.updateMany({ where: { userId: user.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    await startPhoneNumber({ userId: user.id, sessionId, number: second.typed, channel: "sms", ip: ip() });
    const { code: secondCode } = await lastPhoneMessage(second.e164);
    if (code !== secondCode) {
      expect(key(await passSecondFactor({ userId: user.id, purpose: "phone-number", code, ip: ip(), keyOwnerId: numberChallenge(sessionId) }))).toBe("phoneCodeWrong");
    }
    expect(await kinds(user.id)).toEqual(["totp"]);
    await cancelWaitingNumber(user.id, sessionId);
    expect(await phoneSettingsOf(user.id)).toMatchObject({ active: null, waiting: null });
  });
});

describe("changing the number", () => {
  it("keeps the old number until the new one is confirmed, then tells the old number and the email without a code or the new number", async () => {
    const { user, number: old, sessionId } = await appPatientWithPhone();
    const fresh = uniqueMobile();
    expect(key(await startPhoneNumber({ userId: user.id, sessionId, number: old.typed, channel: "sms", ip: ip() }))).toBe("phoneSameNumber");
    await getDb().phoneCode.updateMany({ where: { userId: user.id }, data: { createdAt: new Date(Date.now() - 60_000) } });
    expect(key(await startPhoneNumber({ userId: user.id, sessionId, number: fresh.typed, channel: "sms", ip: ip() }))).toBe("phoneCodeSent");
    const { code } = await lastPhoneMessage(fresh.e164);

    // Until then, a sign-in still texts the old number, and that code works.
    const signIn = randomUUID();
    expect((await sendSignInCode({ userId: user.id, challengeId: signIn, channel: "sms", ip: ip() })).ok).toBe(true);
    const oldCode = (await lastPhoneMessage(old.e164)).code;
    expect(await phoneSettingsOf(user.id)).toMatchObject({ active: { last: old.e164.slice(-2) }, waiting: { last: fresh.e164.slice(-2) } });

    // A second sign-in's code to the old number is still out when the change goes through.
    // (The 15-minute send budget, 3 texts per account, is spent by now: this stands in for time passing.)
    await forgetSendBudgets(user.id);
    const other = randomUUID();
    expect((await sendSignInCode({ userId: user.id, challengeId: other, channel: "sms", ip: ip() })).ok).toBe(true);
    const stranded = (await lastPhoneMessage(old.e164)).code;
    expect(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: oldCode, ip: ip(), keyOwnerId: signIn })).toMatchObject({ ok: true });

    expect(key(await passSecondFactor({ userId: user.id, purpose: "phone-number", code, ip: ip(), keyOwnerId: numberChallenge(sessionId) }))).toBe("ok");
    expect(await phoneSettingsOf(user.id)).toMatchObject({ active: { last: fresh.e164.slice(-2) }, waiting: null });
    expect(key(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: stranded, ip: ip(), keyOwnerId: other }))).not.toBe("ok");

    const toOld = (await messagesTo(old.e164)).filter((message) => message.kind === "phone-notice");
    expect(toOld).toHaveLength(1);
    expect(toOld[0]!.channel).toBe("sms");
    expect(toOld[0]!.text).toBe(
      `Your number for Test Clinic sign-in codes was changed to a phone ending ${fresh.e164.slice(-2)}. If this wasn't you, contact the clinic: ${getConfig().mail.contact}.`,
    );
    expect(toOld[0]!.text).not.toMatch(/\d{6}/);
    const changed = (await emailsOf(user.id)).find((mail) => mail.kind === "phone-changed")!;
    expect(changed.text).toContain(`now go to a phone ending ${fresh.e164.slice(-2)}`);
    expect(changed.text).not.toContain(fresh.e164.slice(3));

    // From now on codes go to the new number only.
    await forgetSendBudgets(user.id);
    expect((await sendSignInCode({ userId: user.id, challengeId: randomUUID(), channel: "sms", ip: ip() })).ok).toBe(true);
    expect((await messagesTo(old.e164)).filter((message) => message.kind === "phone-code")).toHaveLength(3);
    expect((await messagesTo(fresh.e164)).filter((message) => message.kind === "phone-code")).toHaveLength(2);
  });
});

describe("removing the phone", () => {
  it("is refused while the phone is the only second factor, with what to do instead", async () => {
    const user = await newPatient();
    const number = uniqueMobile();
    const setup = randomUUID();
    await startPhoneSetup({ userId: user.id, challengeId: setup, number: number.typed, channel: "sms", ip: ip() });
    await passSecondFactor({ userId: user.id, purpose: "enroll", code: (await lastPhoneMessage(number.e164)).code, ip: ip(), keyOwnerId: setup });
    const refused = await removePhone(user.id, ip());
    expect(refused).toEqual({ ok: false, message: "phoneOnlyFactor" });
    expect(renderMessage(refused.ok ? "" : refused.message).text).toMatch(/Change the number instead, or set up an authenticator app first/);
    expect(await kinds(user.id)).toEqual(["phone"]);

    // What the sentence says works: an app set up through "Set up a new phone", then the phone can go.
    const owner = { userId: user.id, ownerId: randomUUID(), kind: "new-phone" as const };
    const { secret } = (await getOrCreatePendingEnrollment(owner))!;
    expect((await confirmEnrollment(owner, oathtoolCode(secret, Date.now() / 1000))).ok).toBe(true);
    expect(await removePhone(user.id, ip())).toEqual({ ok: true });
    expect(await kinds(user.id)).toEqual(["totp"]);
  });

  it("takes the phone away from an app patient and tells the email and the number", async () => {
    const { user, number } = await appPatientWithPhone();
    expect(await removePhone(user.id, ip())).toEqual({ ok: true });
    expect(await kinds(user.id)).toEqual(["totp"]);
    expect((await sendSignInCode({ userId: user.id, challengeId: randomUUID(), channel: "sms", ip: ip() })).ok).toBe(false);
    const notice = (await messagesTo(number.e164)).filter((message) => message.kind === "phone-notice");
    expect(notice.map((message) => message.text)).toEqual([
      `Your number for Test Clinic sign-in codes was removed. If this wasn't you, contact the clinic: ${getConfig().mail.contact}.`,
    ]);
    expect((await emailsOf(user.id)).some((mail) => mail.kind === "phone-removed")).toBe(true);
    expect(await getDb().securityEvent.count({ where: { userId: user.id, type: "phone-removed" } })).toBe(1);
  });
});

describe("confirming it's you with a texted code", () => {
  it("works for a phone-only patient with a code bound to this session, within the same limits", async () => {
    const user = await newPatient();
    const number = uniqueMobile();
    const setup = randomUUID();
    await startPhoneSetup({ userId: user.id, challengeId: setup, number: number.typed, channel: "sms", ip: ip() });
    await passSecondFactor({ userId: user.id, purpose: "enroll", code: (await lastPhoneMessage(number.e164)).code, ip: ip(), keyOwnerId: setup });

    const session = randomUUID();
    expect(key(await sendStepUpCode({ userId: user.id, sessionId: session, channel: "sms", ip: ip() }))).toBe("phoneCodeSent");
    expect(key(await sendStepUpCode({ userId: user.id, sessionId: session, channel: "sms", ip: ip() }))).toBe("phoneResendWait");
    const { code } = await lastPhoneMessage(number.e164);
    expect(key(await passSecondFactor({ userId: user.id, purpose: "step-up", code, ip: ip(), keyOwnerId: stepUpChallenge(randomUUID()) }))).not.toBe("ok");
    expect(await passSecondFactor({ userId: user.id, purpose: "step-up", code, ip: ip(), keyOwnerId: stepUpChallenge(session) })).toEqual({ ok: true, method: "phone" });
    expect(key(await passSecondFactor({ userId: user.id, purpose: "step-up", code, ip: ip(), keyOwnerId: stepUpChallenge(session) }))).toBe("phoneCodeUsed");
  });
});

describe("a text that fails for good", () => {
  const TWILIO = { kind: "twilio" as const, accountSid: `AC${"b2".repeat(16)}`, authToken: "twilio-test-auth-token", from: "+441234567890" };
  let twilio: Awaited<ReturnType<typeof startRecorder>>;
  beforeAll(async () => {
    // Twilio's answer to a number it will not text: 400 with error 21211.
    twilio = await startRecorder((request: Recorded) =>
      request.path.endsWith("/Messages.json")
        ? [400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 }]
        : [201, { sid: `CA${"2".repeat(32)}`, status: "queued" }],
    );
  });
  afterAll(() => twilio.close());

  it("is known to the sign-in's code step, which may then place the call at once", async () => {
    const { user, number } = await appPatientWithPhone();
    const challengeId = randomUUID();
    expect((await sendSignInCode({ userId: user.id, challengeId, channel: "sms", ip: ip() })).ok).toBe(true);
    expect(await lastDelivery(challengeId)).toEqual({ channel: "sms", state: "waiting" });
    expect(await cooldownLeft(challengeId)).toBeGreaterThan(0);

    const channels = createPhoneChannels({ ...getConfig().phone, provider: TWILIO }, { twilioBaseUrl: twilio.url });
    // The code that confirmed the number was still waiting too (no worker runs here): both are refused.
    expect(await deliverDue({ channels, onlyTo: [number.e164] })).toMatchObject({ failed: 2, sent: 0 });
    expect(await lastDelivery(challengeId)).toEqual({ channel: "sms", state: "failed" });
    expect(await cooldownLeft(challengeId)).toBe(0);

    expect(key(await sendSignInCode({ userId: user.id, challengeId, channel: "voice", ip: ip() }))).toBe("phoneCallPlaced");
    expect(await deliverDue({ channels, onlyTo: [number.e164] })).toMatchObject({ sent: 1 });
    expect(await lastDelivery(challengeId)).toEqual({ channel: "voice", state: "sent" });
    const call = await lastPhoneMessage(number.e164);
    expect(await passSecondFactor({ userId: user.id, purpose: "sign-in", code: call.code, ip: ip(), keyOwnerId: challengeId })).toEqual({ ok: true, method: "phone" });
  });
});
