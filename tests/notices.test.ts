import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnrollment } from "@/lib/admin";
import type { Actor } from "@/lib/audit";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { createEmailChannel } from "@/lib/messaging/email";
import { deliverDue } from "@/lib/messaging/worker";
import { passPasswordStep } from "@/lib/password-step";
import { issueFirstRecoveryCodes, issueRecoveryCodes, useRecoveryCode, normalizeRecoveryCode } from "@/lib/recovery-codes";
import { passSecondFactor } from "@/lib/second-factor";
import { listActivity, recordEvent } from "@/lib/security-events";
import { confirmEnrollment, getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { createAdmin } from "@/lib/users";
import { oathtoolCode } from "./support/otp";
import { startSmtpServer, type TestSmtpServer } from "./support/smtp";
import { newPatient, uniqueEmail, setupOwner } from "./support/users";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

/** Runs the delivery worker against the test's SMTP server and returns what `email` received. */
async function inboxOf(email: string) {
  await deliverDue({ channels: { email: createEmailChannel({ transport: { kind: "smtp", url: smtp.url }, from: "portal@clinic.test", contact: "" }) }, onlyTo: [email] });
  return smtp.inbox.filter((m) => m.to.includes(email)).map((m) => m.mail);
}

async function enrolledPatient() {
  const user = await newPatient();
  const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
  const now = Math.floor(Date.now() / 1000);
  expect(await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now), now)).toEqual({ ok: true });
  const codes = (await issueFirstRecoveryCodes(user.id))!;
  return { user, secret, codes };
}

const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}`;

describe("security notices by email", () => {
  it("tells the patient about each change of second factor or password, in their activity list too, with no secret in it", async () => {
    const { user, secret, codes } = await enrolledPatient();
    await recordEvent("enrolled", user.id, "203.0.113.1");
    await recordEvent("new-phone", user.id, "203.0.113.2");
    const fresh = await issueRecoveryCodes(user.id);
    await recordEvent("recovery-codes-issued", user.id, "203.0.113.3");
    expect(await useRecoveryCode(user.id, normalizeRecoveryCode(fresh[0]!)!)).toEqual({ ok: true, remaining: 9 });
    await recordEvent("sign-in-recovery-code", user.id, "203.0.113.4");
    await recordEvent("password-changed", user.id, "203.0.113.5");
    // Not mailed: an ordinary sign-in and a single wrong code.
    await recordEvent("sign-in", user.id, "203.0.113.6");
    await recordEvent("code-wrong", user.id, "203.0.113.7");

    const mails = await inboxOf(user.email);
    expect(mails.map((m) => m.subject)).toEqual([
      "Two-step sign-in is set up",
      "Your authenticator app moved to a new phone",
      "New recovery codes were created",
      "A recovery code was used to sign in",
      "Your password was changed",
    ]);
    expect(mails[3]!.text).toContain("You have 9 unused recovery codes left.");
    mails.forEach((mail, i) => expect(mail.text).toContain(`203.0.113.${i + 1}`));
    for (const mail of mails) {
      const everything = `${mail.text}\n${mail.html}`;
      for (const code of [...codes, ...fresh]) expect(everything).not.toContain(code);
      expect(everything).not.toContain(secret);
      expect(everything).toContain(getConfig().issuer);
    }
    const activity = (await listActivity(user.id)).map((a) => a.label);
    expect(activity).toEqual(expect.arrayContaining(["Authenticator app set up", "Password changed", "Signed in with a recovery code"]));
  });

  it("tells the patient when wrong codes pause sign-in: when, from where, until when and what to do", async () => {
    const { user, secret } = await enrolledPatient();
    const near = Array.from({ length: 21 }, (_, i) => oathtoolCode(secret, Date.now() / 1000 + (i - 10) * 30));
    const wrong = ["000000", "111111", "222222"].find((c) => !near.includes(c))!;
    for (let i = 0; i < 10; i++) await passSecondFactor({ userId: user.id, purpose: "sign-in", code: wrong, ip: "192.0.2.77" });

    const [mail, ...more] = await inboxOf(user.email);
    expect(more).toHaveLength(0);
    expect(mail!.subject).toBe("Sign-in paused after wrong codes");
    expect(mail!.text).toContain("192.0.2.77");
    expect(mail!.text).toMatch(/paused until \d+ \w+ \d{4} at \d\d:\d\d UTC/);
    expect(mail!.text).toContain("Forgot your password?");
  });

  it("does not mail password lockouts, which anyone who knows the email could set off", async () => {
    const user = await newPatient();
    const from = ip();
    for (let i = 0; i < 6; i++) await passPasswordStep(user.email, `wrong password ${i}`, from);
    expect(await getDb().securityEvent.count({ where: { userId: user.id, type: "lockout" } })).toBe(1);
    expect(await inboxOf(user.email)).toHaveLength(0);
  });

  it("tells the patient about a reset by the clinic with the message meant for them, never the internal note", async () => {
    const { user } = await enrolledPatient();
    const created = await createAdmin({ email: uniqueEmail("admin"), password: "an admin password", name: null });
    if (!created.ok) throw new Error("admin");
    const admin: Actor = { id: created.user.id, email: created.user.email, via: "web", ip: "192.0.2.1" };
    const note = `ID checked at the desk by Ada ${randomUUID().slice(0, 6)}`;
    const message = `You called us about your lost phone ${randomUUID().slice(0, 6)}`;
    expect(await resetEnrollment(admin, user.id, note, message)).toEqual({ ok: true });
    const queued = await getDb().outboxMessage.findMany({ where: { userId: user.id, kind: "enrollment-reset" } });
    expect(queued).toHaveLength(1);

    const [mail] = await inboxOf(user.email);
    expect(mail!.subject).toBe("The clinic reset your two-step sign-in");
    expect(mail!.text).toContain(message);
    expect(mail!.html).toContain(message);
    expect(mail!.text).not.toContain(note);
    expect(mail!.html).not.toContain(note);
  });
});
