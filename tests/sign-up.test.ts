import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { checkPassword, createAdmin, setPassword } from "@/lib/users";
import { createSetupSheet, requestPasswordReset, resetLinkState, resetPasswordWithToken } from "@/lib/password-reset";
import { confirmEmail, confirmationLinkIsLive, isEmailConfirmed, requestSignUp } from "@/lib/sign-up";
import { useTestInbox } from "./support/inbox";
import { linkIn } from "./support/smtp";
import { newPatient, uniqueEmail } from "./support/users";

const inboxOf = useTestInbox();

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

  it("never lets a later sign-up set the password of a pending account, in either order", async () => {
    // The owner signs up, then someone else signs up with the same address.
    const email = uniqueEmail("pending");
    await requestSignUp({ email, password: "the owner's password", name: "Owner" });
    const ownersLink = await tokenIn(email);
    await requestSignUp({ email, password: "someone else's password", name: "Call +1 555 0100" });
    // Neither password opens it now (the first sign-up may not have been the owner's either).
    expect((await checkPassword(email, "someone else's password")).ok).toBe(false);
    expect((await checkPassword(email, "the owner's password")).ok).toBe(false);
    // Nor does either name: the one that stays might be a stranger's, and mail would greet by it.
    expect(await getDb().user.findUniqueOrThrow({ where: { email } })).toMatchObject({ name: null, emailConfirmedAt: null });
    // Every earlier confirmation link stops working: the first sign-up may have been someone else's.
    expect(await confirmEmail(ownersLink, "192.0.2.5")).toBeNull();
    const mail = (await inboxOf(email)).at(-1)!;
    expect(mail.subject).toBe("Choose your password to finish creating your account");
    expect(mail.text).not.toContain("555 0100");
    const token = new URL(linkIn(mail, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    expect(await resetLinkState(token)).toEqual({ first: true });
    // Only the mailbox's owner chooses the password that counts, and that confirms the address.
    expect(await resetPasswordWithToken(token, "the owner's chosen password", "192.0.2.5")).toEqual({ ok: true, first: true });
    // Choosing a first password from the mailbox's own link is not news to warn the mailbox about.
    expect((await inboxOf(email)).map((m) => m.subject)).not.toContain("Your password was reset");
    expect((await checkPassword(email, "the owner's chosen password")).ok).toBe(true);
    expect((await checkPassword(email, "someone else's password")).ok).toBe(false);
    expect((await checkPassword(email, "the owner's password")).ok).toBe(false);
    expect(await isEmailConfirmed((await getDb().user.findUniqueOrThrow({ where: { email } })).id)).toBe(true);
  });

  it("keeps the last 'choose your password' link working once repeat sign-ups have spent the address's mail", async () => {
    const email = uniqueEmail("repeat-flood");
    await requestSignUp({ email, password: "the owner's password", name: null });
    await requestSignUp({ email, password: "a stranger's password", name: null });
    await requestSignUp({ email, password: "a stranger's password", name: null });
    const mails = await inboxOf(email);
    expect(mails.map((m) => m.subject)).toEqual(["Confirm your email address", "Choose your password to finish creating your account", "Choose your password to finish creating your account"]);
    // The budget (3 an hour) is spent: more sign-ups mail nothing and must not end the last link.
    for (let i = 0; i < 3; i++) await requestSignUp({ email, password: "a stranger's password", name: null });
    expect(await inboxOf(email)).toHaveLength(3);
    const last = new URL(linkIn(mails.at(-1)!, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    const earlier = new URL(linkIn(mails[1]!, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    expect(await resetLinkState(earlier)).toBeNull();
    expect(await resetPasswordWithToken(last, "the owner's chosen password", "192.0.2.5")).toEqual({ ok: true, first: true });
    expect((await checkPassword(email, "the owner's chosen password")).ok).toBe(true);
  });

  it("greets nobody by name in mail to an unconfirmed address, a reset link included", async () => {
    const email = uniqueEmail("reset-greeting");
    await requestSignUp({ email, password: "a patient password", name: "Records locked: call 0800 000 000" });
    await requestPasswordReset(email, "192.0.2.11");
    const reset = (await inboxOf(email)).find((m) => m.subject === "Reset your password")!;
    expect(reset.text).not.toContain("0800");
    expect(reset.text).toMatch(/^Hello,/m);
  });

  it("announces a password set from a printed sheet on an account without one: a sheet does not prove the mailbox", async () => {
    const email = uniqueEmail("sheet-first");
    await requestSignUp({ email, password: "a first password", name: null });
    await requestSignUp({ email, password: "a second password", name: null });
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    const admin = await createAdmin({ email: uniqueEmail("desk"), password: "an admin password", name: null });
    if (!admin.ok) throw new Error("admin");
    const sheet = await createSetupSheet({ id: admin.user.id, email: admin.user.email, via: "web", ip: "192.0.2.50" }, user.id, "At the desk, ID checked");
    if (!sheet.ok) throw new Error(sheet.message);
    const token = new URL(sheet.sheet.link).searchParams.get("token")!;
    expect(await resetLinkState(token)).toEqual({ first: false });
    expect(await resetPasswordWithToken(token, "a password from the desk", "192.0.2.6")).toEqual({ ok: true, first: false });
    expect((await inboxOf(email)).map((m) => m.subject)).toContain("Your password was reset");
    expect(await isEmailConfirmed(user.id)).toBe(false);
  });

  it("does not greet an unconfirmed address by the name typed at sign-up", async () => {
    const email = uniqueEmail("greeting");
    await requestSignUp({ email, password: "a patient password", name: "Your record is locked, call +1 555 0100" });
    const mail = (await inboxOf(email)).at(-1)!;
    expect(mail.subject).toBe("Confirm your email address");
    expect(mail.text).not.toContain("555 0100");
  });

  it("refuses a confirmation link once the address is confirmed another way, and a reset ends every other link", async () => {
    const email = uniqueEmail("stale");
    await requestSignUp({ email, password: "a patient password", name: null });
    const confirmLink = await tokenIn(email);
    await requestPasswordReset(email, "192.0.2.8");
    const reset = (await inboxOf(email)).find((m) => m.subject === "Reset your password")!;
    const token = new URL(linkIn(reset, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    expect(await resetPasswordWithToken(token, "a newer patient password", "192.0.2.8")).toEqual({ ok: true, first: false });
    expect(await confirmationLinkIsLive(confirmLink)).toBe(false);
    expect(await confirmEmail(confirmLink, "192.0.2.8")).toBeNull();
    expect((await checkPassword(email, "a newer patient password")).ok).toBe(true);
  });

  it("ends unused reset links when the patient changes their password", async () => {
    const patient = await newPatient("the old password");
    await requestPasswordReset(patient.email, "192.0.2.10");
    const reset = (await inboxOf(patient.email)).find((m) => m.subject === "Reset your password")!;
    const token = new URL(linkIn(reset, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    await setPassword(patient.id, "a password chosen at home");
    expect(await resetPasswordWithToken(token, "a password from the mailbox", "192.0.2.10")).toEqual({ ok: false, reason: "invalid" });
    expect((await checkPassword(patient.email, "a password chosen at home")).ok).toBe(true);
  });

  it("refuses a confirmation link for an address that is already confirmed", async () => {
    const email = uniqueEmail("twice");
    await requestSignUp({ email, password: "a patient password", name: null });
    const link = await tokenIn(email);
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    await getDb().user.update({ where: { id: user.id }, data: { emailConfirmedAt: new Date() } });
    expect(await confirmEmail(link, "192.0.2.9")).toBeNull();
  });

  it("counts a used password-reset link as confirming the address", async () => {
    const email = uniqueEmail("forgot");
    await requestSignUp({ email, password: "a patient password", name: null });
    await requestPasswordReset(email, "192.0.2.7");
    const mail = (await inboxOf(email)).find((m) => m.subject === "Reset your password")!;
    const token = new URL(linkIn(mail, "http://127.0.0.1:3999/reset-password?token=")).searchParams.get("token")!;
    expect(await resetPasswordWithToken(token, "a newer patient password", "192.0.2.7")).toEqual({ ok: true, first: false });
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
