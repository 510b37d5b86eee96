import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { renderMessage } from "@/lib/messages";
import { passPasswordStep } from "@/lib/password-step";
import { requestPasswordReset, resetLinkState, resetPasswordWithToken } from "@/lib/password-reset";
import { createSession, findActiveSession } from "@/lib/sessions";
import { confirmEnrollment, getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { oathtoolCode } from "./support/otp";
import { useTestInbox } from "./support/inbox";
import { linkIn } from "./support/smtp";
import { newPatient, uniqueEmail, setupOwner } from "./support/users";

const inboxOf = useTestInbox();

const ip = () => `203.0.113.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 4)}`;
const OLD = "correct horse battery";
const NEW = "a brand new passphrase";

async function enrolledPatient() {
  const user = await newPatient(OLD);
  const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
  const now = Math.floor(Date.now() / 1000);
  await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now), now);
  return user;
}

async function resetLink(email: string): Promise<string> {
  const mails = await inboxOf(email);
  const mail = mails.find((m) => m.subject === "Reset your password");
  return linkIn(mail!, "http://127.0.0.1:3999/reset-password?token=");
}
const tokenOf = (link: string) => new URL(link).searchParams.get("token")!;

describe("forgot your password", () => {
  it("answers the same for an email with and without an account, and mails a link only to the account", async () => {
    const user = await enrolledPatient();
    const stranger = uniqueEmail("nobody");
    expect(await requestPasswordReset(user.email, ip())).toEqual({ ok: true });
    expect(await requestPasswordReset(stranger, ip())).toEqual({ ok: true });

    const link = await resetLink(user.email);
    expect(await inboxOf(stranger)).toHaveLength(0);
    // Only a hash of the token is stored, and the queued mail is sealed.
    const dump = JSON.stringify([await getDb().accountToken.findMany({ where: { userId: user.id } }), await getDb().outboxMessage.findMany({ where: { userId: user.id } })]);
    expect(dump).not.toContain(tokenOf(link));
    const [mail] = (await inboxOf(user.email)).filter((m) => m.subject === "Reset your password");
    expect(mail!.text).toContain("30 minutes");
    expect(mail!.html).toContain(link.replace(/&/g, "&amp;"));
  });

  it("sets a new password once, ends every session, and still requires the second factor", async () => {
    const user = await enrolledPatient();
    const laptop = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    await requestPasswordReset(user.email, ip());
    const token = tokenOf(await resetLink(user.email));
    expect(await resetLinkState(token)).toEqual({ first: false });

    expect(await resetPasswordWithToken(token, NEW, "192.0.2.8")).toEqual({ ok: true, first: false });
    expect(await resetPasswordWithToken(token, "another new password", "192.0.2.8")).toEqual({ ok: false, reason: "invalid" });
    expect(await resetLinkState(token)).toBeNull();
    expect(await findActiveSession(laptop)).toBeNull();

    expect((await passPasswordStep(user.email, OLD, ip())).ok).toBe(false);
    const signIn = await passPasswordStep(user.email, NEW, ip());
    expect(signIn.ok && signIn.account.enrolledAt).toBeTruthy();
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret).not.toBeNull();

    const notice = (await inboxOf(user.email)).find((m) => m.subject === "Your password was reset");
    expect(notice!.text).toContain("192.0.2.8");
    expect(notice!.text).toContain("You still need your sign-in code");
  });

  it("lets exactly one of two racing requests use a link", async () => {
    const user = await enrolledPatient();
    await requestPasswordReset(user.email, ip());
    const token = tokenOf(await resetLink(user.email));
    const results = await Promise.all([resetPasswordWithToken(token, "first racing password", ip()), resetPasswordWithToken(token, "second racing password", ip())]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses a link after 30 minutes, and an older link once a newer one was sent", async () => {
    const user = await enrolledPatient();
    await requestPasswordReset(user.email, ip());
    const first = tokenOf(await resetLink(user.email));
    await requestPasswordReset(user.email, ip());
    expect(await resetLinkState(first)).toBeNull();
    expect(await resetPasswordWithToken(first, NEW, ip())).toEqual({ ok: false, reason: "invalid" });

    const live = await getDb().accountToken.findFirstOrThrow({ where: { userId: user.id, usedAt: null } });
    expect(Math.abs(live.expiresAt.getTime() - live.createdAt.getTime() - 30 * 60_000)).toBeLessThan(2_000);
    await getDb().accountToken.update({ where: { tokenHash: live.tokenHash }, data: { expiresAt: new Date(Date.now() - 1) } });
    const links = (await inboxOf(user.email)).filter((m) => m.subject === "Reset your password");
    expect(await resetPasswordWithToken(tokenOf(linkIn(links[1]!, "http://127.0.0.1:3999/reset-password")), NEW, ip())).toEqual({ ok: false, reason: "invalid" });
    expect((await passPasswordStep(user.email, OLD, ip())).ok).toBe(true);
  });

  it("limits links per email (known or not, the same way) and per address", async () => {
    const user = await enrolledPatient();
    for (const email of [user.email, uniqueEmail("nobody")]) {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await requestPasswordReset(email, ip()));
      expect(answers.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
      expect(answers[3]!.ok === false && renderMessage(answers[3]!.message).key).toBe("tooManyResetLinks");
    }
    expect((await inboxOf(user.email)).filter((m) => m.subject === "Reset your password")).toHaveLength(3);

    const from = ip();
    const answers = [];
    for (let i = 0; i < 11; i++) answers.push(await requestPasswordReset(uniqueEmail("spray"), from));
    expect(answers.slice(0, 10).every((a) => a.ok)).toBe(true);
    expect(answers[10]!.ok === false && renderMessage(answers[10]!.message).key).toBe("tooManyAttempts");
  });
});
