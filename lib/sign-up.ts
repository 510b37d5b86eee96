import "server-only";
import { Prisma } from "@/generated/prisma/client";
import { issueAccountToken, newAccountToken, peekAccountToken, spendAccountTokenWhere } from "./account-tokens";
import { getDb } from "./db";
import { outboxCreate, outboxData, sender } from "./messaging/outbox";
import { portalLink, templates } from "./messaging/templates";
import { wakeDeliveryWorker } from "./messaging/worker";
import { hashPassword, NO_PASSWORD } from "./password";
import { consumeLimit, type Policy } from "./rate-limit";
import type { EventType } from "./security-events";
import type { AccountSummary } from "./users";

/** Mails one address can be sent from sign-up attempts: nobody floods an inbox by signing up with it. */
export const signUpMailPolicy: Policy = { prefix: "sign-up:email", max: 3, windowSeconds: 60 * 60, lockMinutes: [60] };

type NewAccount = { email: string; password: string; name: string | null };

class ConfirmedMeanwhile extends Error {}

/**
 * Sign-up without telling anyone whether the email has an account: the caller always answers
 * "check your email". A new address gets a 24-hour confirmation link; an address with a confirmed
 * account gets "someone tried to create an account" instead.
 *
 * An address that was signed up but never confirmed is contested: a later sign-up must not set
 * the password of a pending account, or whoever signs up second would learn the password the
 * mailbox's owner confirms; and the first sign-up may have been someone else's, whose password
 * must not survive either (signing in with it would mail a fresh confirmation link). So the
 * account is left with no password and no name (either sign-up's name may be a stranger's), every
 * earlier confirmation link stops working, and the mailbox gets a "choose your password" link (a
 * password-reset link, which confirms the address) that replaces any earlier one. When the
 * address's mail budget is spent, the last such link mailed keeps working: a stranger signing up
 * again and again must not end every link the owner could use. The password is hashed on every
 * path, so each costs the same.
 */
export async function requestSignUp(input: NewAccount): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  const db = getDb();
  const existing = await db.user.findUnique({ where: { email: input.email }, select: { id: true, name: true, emailConfirmedAt: true } });
  const mailAllowed = (await consumeLimit(signUpMailPolicy, input.email)).ok;

  if (existing?.emailConfirmedAt) {
    if (!mailAllowed) return;
    const rendered = templates.signUpExisting({ sender: sender(), name: existing.name, at: new Date() });
    // Shaped like the new-account path below (one interactive transaction, the same lookups), so both take as long.
    await db.$transaction(async (tx) => {
      await tx.accountToken.deleteMany({ where: { userId: existing.id, purpose: "confirm-email", usedAt: null } });
      await tx.outboxMessage.create({ data: outboxData({ userId: existing.id, channel: "email", recipient: input.email, kind: "sign-up-existing", rendered }) });
    });
    wakeDeliveryWorker();
    return;
  }

  // One commit on every path (an insert costs a disk sync, which a stopwatch could see).
  const nameFields = { name: input.name, nameSearch: input.name?.toLowerCase() ?? null };
  const { token, row } = newAccountToken(existing ? "password-reset" : "confirm-email");
  const rendered = existing
    ? templates.signUpPending({ sender: sender(), link: portalLink(sender(), `/reset-password?token=${token}`) })
    : templates.confirmEmail({ sender: sender(), link: portalLink(sender(), `/confirm-email?token=${token}`) });
  try {
    await db.$transaction(async (tx) => {
      const user = existing ? { id: existing.id } : await tx.user.create({ data: { email: input.email, passwordHash, role: "patient", ...nameFields }, select: { id: true } });
      if (existing) {
        // Only while the address is still unconfirmed: its owner may have confirmed it a moment ago.
        const pending = await tx.user.updateMany({ where: { id: existing.id, emailConfirmedAt: null }, data: { passwordHash: NO_PASSWORD, name: null, nameSearch: null } });
        if (pending.count !== 1) throw new ConfirmedMeanwhile();
      }
      await tx.accountToken.deleteMany({ where: { userId: user.id, purpose: "confirm-email", usedAt: null } });
      if (!mailAllowed) return;
      await tx.accountToken.deleteMany({ where: { userId: user.id, purpose: "password-reset", usedAt: null } });
      await tx.accountToken.create({ data: { ...row, userId: user.id } });
      await tx.outboxMessage.create({
        data: outboxData({ userId: user.id, channel: "email", recipient: input.email, kind: existing ? "sign-up-pending" : "confirm-email", rendered }),
      });
    });
  } catch (error) {
    // Two sign-ups for one new address at the same instant: the other one mails the link.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return;
    // Confirmed between the lookup and now: the account is its owner's, and stays as it is.
    if (error instanceof ConfirmedMeanwhile) return;
    throw error;
  }
  wakeDeliveryWorker();
}

async function mailConfirmation(userId: string, email: string) {
  const issued = issueAccountToken(userId, "confirm-email");
  const link = portalLink(sender(), `/confirm-email?token=${issued.token}`);
  const rendered = templates.confirmEmail({ sender: sender(), link });
  await getDb().$transaction([...issued.operations, outboxCreate({ userId, channel: "email", recipient: email, kind: "confirm-email", rendered })]);
  wakeDeliveryWorker();
}

/** A correct password for an account whose address was never confirmed: send a new link (within the same limit). */
export async function resendConfirmation(account: AccountSummary): Promise<void> {
  if (!(await consumeLimit(signUpMailPolicy, account.email)).ok) return;
  await mailConfirmation(account.id, account.email);
}

export async function isEmailConfirmed(userId: string): Promise<boolean> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { emailConfirmedAt: true } });
  return Boolean(row?.emailConfirmedAt);
}

/** For the confirmation page: is this link still good? Opening it does not spend it. */
export async function confirmationLinkIsLive(token: unknown): Promise<boolean> {
  return (await peekAccountToken(token, ["confirm-email"])) !== null;
}

class TokenSpent extends Error {}

/**
 * Spends the link and marks the address confirmed; returns the account, which goes on to set up its
 * authenticator. Null for a spent, expired or unknown link, and for an address already confirmed.
 */
export async function confirmEmail(token: string, ip: string): Promise<AccountSummary | null> {
  const owner = await peekAccountToken(token, ["confirm-email"]);
  if (!owner) return null;
  const now = new Date();
  try {
    return await getDb().$transaction(async (tx) => {
      const spent = await tx.accountToken.updateMany({ where: { ...spendAccountTokenWhere(token, "confirm-email", now), userId: owner.userId }, data: { usedAt: now } });
      if (spent.count !== 1) throw new TokenSpent();
      // A link that outlived its purpose (the address was confirmed another way, say by a password
      // reset) must not start a sign-in: that would skip the password.
      const confirmed = await tx.user.updateMany({ where: { id: owner.userId, emailConfirmedAt: null }, data: { emailConfirmedAt: now } });
      if (confirmed.count !== 1) throw new TokenSpent();
      const user = await tx.user.findUniqueOrThrow({
        where: { id: owner.userId },
        select: { id: true, email: true, name: true, role: true, enrolledAt: true, setupDeadline: true },
      });
      await tx.securityEvent.create({ data: { type: "email-confirmed" satisfies EventType, userId: owner.userId, ip } });
      return { ...user, role: user.role === "admin" ? "admin" : "patient" } satisfies AccountSummary;
    });
  } catch (error) {
    if (error instanceof TokenSpent) return null;
    throw error;
  }
}
