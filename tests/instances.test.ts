// Two portal instances on one database: this test process (A) and a second process (B) with its
// own connections. Every guarantee that rests on the database must hold across them. The suite
// runs on SQLite (two processes on one file) and on PostgreSQL (TEST_DATABASE=postgres).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumeChallenge, createChallenge, findChallenge } from "@/lib/challenge";
import { issueAccountToken } from "@/lib/account-tokens";
import { getDb } from "@/lib/db";
import { renderMessage } from "@/lib/messages";
import { createEmailChannel } from "@/lib/messaging/email";
import { deliverDue } from "@/lib/messaging/worker";
import { resetPasswordWithToken } from "@/lib/password-reset";
import { consumeLimit, policies } from "@/lib/rate-limit";
import { issueFirstRecoveryCodes } from "@/lib/recovery-codes";
import { confirmEmail, requestSignUp, signUpMailPolicy } from "@/lib/sign-up";
import { passSecondFactor } from "@/lib/second-factor";
import { recordEvent } from "@/lib/security-events";
import { createSession, endSession, findActiveSession } from "@/lib/sessions";
import { oathtoolCode } from "./support/otp";
import { startSmtpServer } from "./support/smtp";
import { startInstance, type Instance } from "./support/instances";
import { enrolledPatient, newPatient, uniqueEmail } from "./support/users";

let b: Instance;
beforeAll(async () => {
  b = await startInstance();
}, 30_000);
afterAll(async () => {
  await b?.stop();
});

const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
const both = <T>(n: number, onA: (i: number) => Promise<T>, onB: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? onA(i) : onB(i))));

describe("two instances on one database", () => {
  it("accepts one code exactly once when it reaches both at the same instant", async () => {
    const { user, secret, now } = await enrolledPatient();
    const code = oathtoolCode(secret, now + 30);
    const results = await both(
      10,
      () => passSecondFactor({ userId: user.id, purpose: "sign-in", code, ip: ip() }),
      () => b.call("passSecondFactor", { userId: user.id, purpose: "sign-in", code, ip: ip() }),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("compares at most 10 wrong codes between lockouts, however they are spread over the instances", async () => {
    const { user, secret, now } = await enrolledPatient();
    const guess = (i: number) => ({ userId: user.id, purpose: "sign-in" as const, code: String(100000 + i), ip: ip() });
    const results = await both(40, (i) => passSecondFactor(guess(i)), (i) => b.call("passSecondFactor", guess(i)));
    const keys = results.map((r) => (r.ok ? "ok" : renderMessage(r.message).key));
    expect(keys.filter((k) => k === "codeWrong").length).toBe(9);
    expect(keys.filter((k) => k === "ok")).toHaveLength(0);
    // Locked on both: even the right code is refused, wherever it arrives.
    const right = { userId: user.id, purpose: "sign-in" as const, code: oathtoolCode(secret, now + 30), ip: ip() };
    for (const result of [await passSecondFactor(right), await b.call("passSecondFactor", right)]) {
      expect(result.ok ? "ok" : renderMessage(result.message).key).toBe("locked");
    }
  });

  it("counts one budget across both instances and never refuses an attempt within it", async () => {
    const policy = { ...policies().ipCode, max: 20 };
    const subject = `budget-${Math.random()}`;
    const results = await both(30, () => consumeLimit(policy, subject), () => b.call("consumeLimit", policy, subject));
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(results.filter((r) => !r.ok)).toHaveLength(10);
  });

  it("lets one recovery code in once when both instances receive it together", async () => {
    const { user } = await enrolledPatient();
    const [code] = (await issueFirstRecoveryCodes(user.id))!;
    const results = await both(
      6,
      () => passSecondFactor({ userId: user.id, purpose: "sign-in", code: code!, ip: ip() }),
      () => b.call("passSecondFactor", { userId: user.id, purpose: "sign-in", code: code!, ip: ip() }),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("consumes a sign-in challenge on one instance only", async () => {
    const { user } = await enrolledPatient();
    const { token } = await createChallenge(user.id, "sign-in");
    expect(await b.call("findChallenge", token)).toMatchObject({ userId: user.id, purpose: "sign-in" });
    const results = await both(8, () => consumeChallenge(token), () => b.call("consumeChallenge", token));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await findChallenge(token)).toBeNull();
    expect(await b.call("findChallenge", token)).toBeNull();
  });

  it("sets a new password from one emailed link once, whichever instances the clicks reach", async () => {
    const { user } = await enrolledPatient();
    const { token, operations } = issueAccountToken(user.id, "password-reset");
    await getDb().$transaction([...operations]);
    const results = await both(
      4,
      (i) => resetPasswordWithToken(token, `a new password number ${i}`, ip()),
      (i) => b.call("resetPasswordWithToken", token, `a new password number ${i}`, ip()),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("confirms an address from one emailed link once, whichever instances the clicks reach", async () => {
    const user = await newPatient();
    await getDb().user.update({ where: { id: user.id }, data: { emailConfirmedAt: null } });
    const { token, operations } = issueAccountToken(user.id, "confirm-email");
    await getDb().$transaction([...operations]);
    const results = await both(6, () => confirmEmail(token, ip()), () => b.call("confirmEmail", token, ip()));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await getDb().securityEvent.count({ where: { userId: user.id, type: "email-confirmed" } })).toBe(1);
  });

  it("creates one account when a new address signs up on both at once, and mails it within one budget", async () => {
    const email = uniqueEmail();
    await both(
      8,
      (i) => requestSignUp({ email, password: `a sign-up password ${i}`, name: null }),
      (i) => b.call("requestSignUp", { email, password: `a sign-up password ${i}`, name: null }),
    );
    expect(await getDb().user.count({ where: { email } })).toBe(1);
    // At most signUpMailPolicy.max mails to one address, however the sign-ups are spread.
    const mails = await getDb().outboxMessage.count({ where: { recipient: email, kind: "confirm-email" } });
    expect(mails).toBeGreaterThanOrEqual(1);
    expect(mails).toBeLessThanOrEqual(signUpMailPolicy.max);
  });

  it("sends each outbox message once when both instances' workers run at the same time", async () => {
    const smtp = await startSmtpServer();
    try {
      const patients = await Promise.all(Array.from({ length: 6 }, () => newPatient()));
      const emails = patients.map((p) => p.email);
      // Each password change queues a notice; 6 patients, 2 changes each.
      for (const p of patients) for (let i = 0; i < 2; i++) await recordEvent("password-changed", p.id, "203.0.113.9");
      const queued = await getDb().outboxMessage.count({ where: { recipient: { in: emails } } });
      expect(queued).toBe(12);
      const channel = createEmailChannel({ transport: { kind: "smtp", url: smtp.url }, from: "portal@clinic.test", contact: "" });
      await Promise.all([
        deliverDue({ channels: { email: channel }, onlyTo: emails, batch: 100 }),
        b.call("deliverDueOver", smtp.url, emails),
        deliverDue({ channels: { email: channel }, onlyTo: emails, batch: 100 }),
        b.call("deliverDueOver", smtp.url, emails),
      ]);
      const ids = smtp.inbox.filter((m) => m.to.some((to) => emails.includes(to))).map((m) => m.mail.messageId);
      expect(ids).toHaveLength(12);
      expect(new Set(ids).size).toBe(12);
      expect(await getDb().outboxMessage.count({ where: { recipient: { in: emails }, status: "sent" } })).toBe(12);
    } finally {
      await smtp.close();
    }
  });

  it("refuses a session on B at the next request once it was signed out on A, and the other way round", async () => {
    const { user } = await enrolledPatient();
    const first = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    expect(await b.call("findActiveSession", first)).toMatchObject({ userId: user.id });
    await endSession(first, "signed-out");
    expect(await b.call("findActiveSession", first)).toBeNull();

    const second = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    await b.call("endSession", second, "signed-out");
    expect(await findActiveSession(second)).toBeNull();
  });
});
