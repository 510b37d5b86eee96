import "server-only";
import { TOKEN_TTL_MS, issueAccountToken, peekAccountToken, spendAccountTokenWhere, type TokenPurpose } from "./account-tokens";
import { auditEntryCreate, type Actor } from "./audit";
import { getDb } from "./db";
import { encodeWait } from "./messages";
import { noticeFor } from "./messaging/notices";
import { outboxCreate, outboxData, sender } from "./messaging/outbox";
import { mailName, portalLink, templates } from "./messaging/templates";
import { wakeDeliveryWorker } from "./messaging/worker";
import { hashPassword, NO_PASSWORD } from "./password";
import { checkLimit, consumeLimit, type Policy } from "./rate-limit";
import type { EventType } from "./security-events";

/**
 * Reset links a mailbox can receive: per address, so one network cannot mail thousands of people;
 * per email, whether or not it has an account (so the answer reveals nothing), so nobody can
 * flood one patient's inbox.
 */
export const resetPolicies = {
  perAddress: { prefix: "reset:ip", max: 10, windowSeconds: 60 * 60, lockMinutes: [60] },
  perEmail: { prefix: "reset:email", max: 3, windowSeconds: 60 * 60, lockMinutes: [60] },
} satisfies Record<string, Policy>;

export type ResetRequestResult = { ok: true } | { ok: false; message: string };

/** Before parsing anything: has this address asked for too many links? */
export async function checkResetBudget(ip: string): Promise<string | null> {
  const early = await checkLimit(resetPolicies.perAddress, ip);
  return early.ok ? null : encodeWait("tooManyAttempts", early.retryAt);
}

/** Runs the part of a request whose duration depends on the account: inline, or (in the web action) after the answer is sent. */
export type Defer = (work: () => Promise<void>) => void | Promise<void>;

/**
 * "Forgot your password?": mails a single-use 30-minute link if the email has an account. The
 * answer is the same either way; only the limits (which count unknown emails too) can refuse.
 * Looking the email up and writing the link is handed to `defer`, so the web answer comes back
 * before that work and takes as long for an unknown email as for a patient's.
 */
export async function requestPasswordReset(email: string, ip: string, defer: Defer = (work) => work()): Promise<ResetRequestResult> {
  const fromAddress = await consumeLimit(resetPolicies.perAddress, ip);
  if (!fromAddress.ok) return { ok: false, message: encodeWait("tooManyAttempts", fromAddress.retryAt) };
  const forEmail = await consumeLimit(resetPolicies.perEmail, email);
  if (!forEmail.ok) return { ok: false, message: encodeWait("tooManyResetLinks", forEmail.retryAt) };

  await defer(async () => {
    const user = await getDb().user.findUnique({ where: { email }, select: { id: true, email: true, name: true, emailConfirmedAt: true } });
    if (user) await mailResetLink(user, ip, null);
  });
  return { ok: true };
}

/** Staff at the desk send the link for a patient (after their own step-up); audited with the reason. */
export async function sendResetLinkForPatient(actor: Actor, targetId: string, reason: string): Promise<ResetRequestResult> {
  const target = await getDb().user.findUnique({ where: { id: targetId }, select: { id: true, email: true, name: true, emailConfirmedAt: true, role: true } });
  if (!target) return { ok: false, message: "That account no longer exists." };
  if (target.role !== "patient") return { ok: false, message: "Only patients can be sent a reset link here." };
  const forEmail = await consumeLimit(resetPolicies.perEmail, target.email);
  if (!forEmail.ok) return { ok: false, message: encodeWait("tooManyResetLinks", forEmail.retryAt) };
  await mailResetLink(target, actor.ip, { actor, reason });
  return { ok: true };
}

async function mailResetLink(user: { id: string; email: string; name: string | null; emailConfirmedAt: Date | null }, ip: string | null, staff: { actor: Actor; reason: string } | null) {
  const issued = issueAccountToken(user.id, "password-reset");
  const link = portalLink(sender(), `/reset-password?token=${issued.token}`);
  const rendered = templates.passwordResetLink({ sender: sender(), name: mailName(user), link, byClinic: staff !== null });
  const db = getDb();
  await db.$transaction([
    ...issued.operations,
    db.securityEvent.create({ data: { type: "password-reset-requested" satisfies EventType, userId: user.id, ip, detail: staff ? "sent by the clinic" : null } }),
    outboxCreate({ userId: user.id, channel: "email", recipient: user.email, kind: "password-reset-link", rendered }),
    ...(staff ? [auditEntryCreate(staff.actor, "password-reset-link-sent", user, staff.reason)] : []),
  ]);
  wakeDeliveryWorker();
}

/** A mailed link or a printed setup sheet: both lead to the same "choose a new password" page. */
const RESET_PURPOSES: TokenPurpose[] = ["password-reset", "setup-sheet"];

/**
 * A mailed link used on an account with no password yet: its mailbox's owner choosing the first
 * one (a repeat sign-up leaves a pending account without one, lib/sign-up.ts). A printed setup
 * sheet never counts: it does not prove the mailbox, so its use is announced there as a reset.
 */
function choosesFirstPassword(purpose: TokenPurpose, passwordHash: string | undefined): boolean {
  return purpose === "password-reset" && passwordHash === NO_PASSWORD;
}

/**
 * For the reset page: null when the link is no longer good; otherwise whether it chooses the
 * account's first password. Looking does not spend it: mail scanners open links.
 */
export async function resetLinkState(token: unknown): Promise<{ first: boolean } | null> {
  const owner = await peekAccountToken(token, RESET_PURPOSES);
  if (!owner) return null;
  const user = await getDb().user.findUnique({ where: { id: owner.userId }, select: { passwordHash: true } });
  return { first: choosesFirstPassword(owner.purpose, user?.passwordHash) };
}

export type SetupSheet = { link: string; expiresAt: Date; email: string; name: string | null };

/**
 * For a patient at the desk without access to their email: a one-time link to choose a new
 * password, valid 24 hours, shown once to the admin to print and hand over. Audited with the reason.
 */
export async function createSetupSheet(actor: Actor, targetId: string, reason: string): Promise<{ ok: true; sheet: SetupSheet } | { ok: false; message: string }> {
  const db = getDb();
  const target = await db.user.findUnique({ where: { id: targetId }, select: { id: true, email: true, name: true, role: true } });
  if (!target) return { ok: false, message: "That account no longer exists." };
  if (target.role !== "patient") return { ok: false, message: "Only patients can be given a setup sheet here." };
  const now = new Date();
  const issued = issueAccountToken(target.id, "setup-sheet", now);
  await db.$transaction([
    ...issued.operations,
    db.securityEvent.create({ data: { type: "setup-sheet-printed" satisfies EventType, userId: target.id, ip: actor.ip } }),
    auditEntryCreate(actor, "setup-sheet-printed", target, reason),
  ]);
  return {
    ok: true,
    sheet: { link: portalLink(sender(), `/reset-password?token=${issued.token}`), expiresAt: new Date(now.getTime() + TOKEN_TTL_MS["setup-sheet"]), email: target.email, name: target.name },
  };
}

/** `first`: the account had no password yet (a repeat sign-up left it without one, lib/sign-up.ts). */
export type ResetResult = { ok: true; first: boolean } | { ok: false; reason: "invalid" };

class TokenSpent extends Error {}

/**
 * A new password from a reset link. All or nothing: the link is spent, the password replaced,
 * every other link, session and half-finished sign-in ends, and the patient is told. The second factor is
 * untouched, so the next sign-in still needs the authenticator app or a recovery code.
 */
export async function resetPasswordWithToken(token: string, password: string, ip: string): Promise<ResetResult> {
  const owner = await peekAccountToken(token, RESET_PURPOSES);
  if (!owner) return { ok: false, reason: "invalid" };
  const passwordHash = await hashPassword(password);
  const now = new Date();
  const db = getDb();
  const notice = await noticeFor("password-reset", owner.userId, ip, undefined, now);
  let first = false;
  try {
    await db.$transaction(async (tx) => {
      const spent = await tx.accountToken.updateMany({ where: { ...spendAccountTokenWhere(token, owner.purpose, now), userId: owner.userId }, data: { usedAt: now } });
      if (spent.count !== 1) throw new TokenSpent();
      const before = await tx.user.findUnique({ where: { id: owner.userId }, select: { passwordHash: true } });
      first = choosesFirstPassword(owner.purpose, before?.passwordHash);
      await tx.user.update({ where: { id: owner.userId }, data: { passwordHash } });
      // Every other link mailed or printed before this one ends with the old password.
      await tx.accountToken.deleteMany({ where: { userId: owner.userId, usedAt: null } });
      // A mailed link proves the mailbox as well as a sign-up confirmation does.
      if (owner.purpose === "password-reset") await tx.user.updateMany({ where: { id: owner.userId, emailConfirmedAt: null }, data: { emailConfirmedAt: now } });
      await tx.userSession.updateMany({ where: { userId: owner.userId, endedAt: null }, data: { endedAt: now, endReason: "password-reset" } });
      await tx.authChallenge.deleteMany({ where: { userId: owner.userId } });
      await tx.securityEvent.create({ data: { type: "password-reset" satisfies EventType, userId: owner.userId, ip, detail: first ? "first password" : null } });
      // A first password chosen from the mailbox's own link changes nothing its owner must be warned of.
      if (notice && !first) await tx.outboxMessage.create({ data: outboxData(notice) });
    });
  } catch (error) {
    if (error instanceof TokenSpent) return { ok: false, reason: "invalid" };
    throw error;
  }
  wakeDeliveryWorker();
  return { ok: true, first };
}
