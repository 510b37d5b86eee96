import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createEmailChannel } from "@/lib/messaging/email";
import { deliverDue } from "@/lib/messaging/worker";
import { checkPassword } from "@/lib/users";
import { requestPasswordReset, resetPasswordWithToken } from "@/lib/password-reset";
import { confirmEmail, confirmationLinkIsLive, isEmailConfirmed, requestSignUp } from "@/lib/sign-up";
import { linkIn, startSmtpServer, type TestSmtpServer } from "./support/smtp";
import { newPatient, uniqueEmail } from "./support/users";

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp.close());

async function inboxOf(email: string) {
  await deliverDue({ channels: { email: createEmailChannel({ transport: { kind: "smtp", url: smtp.url }, from: "portal@clinic.test", contact: "" }) }, onlyTo: [email] });
  return smtp.inbox.filter((m) => m.to.includes(email)).map((m) => m.mail);
}

const tokenIn = async (email: string) => {
  const mail = (await inboxOf(email)).filter((m) => m.subject === "Confirm your email address").at(-1);
  return new URL(linkIn(mail!, "http://127.0.0.1:3999/confirm-email?token=")).searchParams.get("token")!;
};

describe("sign-up with a confirmed address", () => {
  it("mails a new address a single-use confirmation link; only the link confirms it", async () => {
    const email = uniqueEmail("new");
    await requestSignUp({ email, password: "my first password", name: "Zoë" });
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(user.emailConfirmedAt).toBeNull();
    expect(await isEmailConfirmed(user.id)).toBe(false);

    const token = await tokenIn(email);
    const stored = JSON.stringify(await getDb().accountToken.findMany({ where: { userId: user.id } }));
    expect(stored).not.toContain(token);
    expect(await confirmationLinkIsLive(token)).toBe(true);

    const account = await confirmEmail(token, "192.0.2.4");
    expect(account).toMatchObject({ id: user.id, email, enrolledAt: null });
    expect(await isEmailConfirmed(user.id)).toBe(true);
    expect(await confirmEmail(token, "192.0.2.4")).toBeNull();
  });

  it("tells the owner of an existing account that someone tried, and changes nothing", async () => {
    const patient = await newPatient("the original password");
    await requestSignUp({ email: patient.email, password: "an attacker's password", name: "Mallory" });
    const mails = await inboxOf(patient.email);
    expect(mails.map((m) => m.subject)).toEqual(["Someone tried to create an account with your address"]);
    expect((await checkPassword(patient.email, "the original password")).ok).toBe(true);
    expect((await checkPassword(patient.email, "an attacker's password")).ok).toBe(false);
    expect(await getDb().user.findUniqueOrThrow({ where: { id: patient.id } })).toMatchObject({ name: null });
  });

  it("gives an address that was never confirmed a fresh link that replaces the old one", async () => {
    const email = uniqueEmail("again");
    await requestSignUp({ email, password: "first try password", name: null });
    const first = await tokenIn(email);
    await requestSignUp({ email, password: "second try password", name: null });
    const second = await tokenIn(email);
    expect(second).not.toBe(first);
    expect(await confirmEmail(first, "192.0.2.5")).toBeNull();
    expect(await confirmEmail(second, "192.0.2.5")).not.toBeNull();
    expect((await checkPassword(email, "second try password")).ok).toBe(true);
  });

  it("counts a used password-reset link as confirming the address", async () => {
    const email = uniqueEmail("forgot");
    await requestSignUp({ email, password: "a patient password", name: null });
    await requestPasswordReset(email, "192.0.2.7");
    const mail = (await inboxOf(email)).find((m) => m.subject === "Reset your password")!;
    const token = new URL(linkIn(mail, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    expect(await resetPasswordWithToken(token, "a newer patient password", "192.0.2.7")).toEqual({ ok: true });
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(await isEmailConfirmed(user.id)).toBe(true);
  });

  it("refuses a confirmation link after 24 hours", async () => {
    const email = uniqueEmail("late");
    await requestSignUp({ email, password: "a patient password", name: null });
    const token = await tokenIn(email);
    const row = await getDb().accountToken.findFirstOrThrow({ where: { user: { email } } });
    expect(Math.abs(row.expiresAt.getTime() - row.createdAt.getTime() - 24 * 3600_000)).toBeLessThan(2_000);
    await getDb().accountToken.update({ where: { tokenHash: row.tokenHash }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await confirmEmail(token, "192.0.2.6")).toBeNull();
  });

  it("sends one address at most 3 sign-up mails an hour, whoever asks", async () => {
    const patient = await newPatient();
    for (let i = 0; i < 5; i++) await requestSignUp({ email: patient.email, password: `attempt number ${i}`, name: null });
    expect(await inboxOf(patient.email)).toHaveLength(3);
  });
});
