import "server-only";
import { createToken, hashToken } from "./crypto";
import { getDb } from "./db";

/** Single-use links: a password reset (mailed, or sent by staff), a sign-up confirmation, a printed setup sheet. */
export type TokenPurpose = "password-reset" | "confirm-email" | "setup-sheet";

export const TOKEN_TTL_MS: Record<TokenPurpose, number> = {
  "password-reset": 30 * 60_000,
  "confirm-email": 24 * 60 * 60_000,
  "setup-sheet": 24 * 60 * 60_000,
};

/** A fresh random token and the row that stores only its SHA-256, so a copy of the database holds no working link. */
export function newAccountToken(purpose: TokenPurpose, now = new Date()) {
  const token = createToken();
  return { token, row: { tokenHash: hashToken(token), purpose, expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[purpose]) } };
}

/**
 * A fresh token and the writes that make it the account's only live one of its purpose: an older
 * link stops working when a newer one is sent. Run the operations in the caller's transaction.
 */
export function issueAccountToken(userId: string, purpose: TokenPurpose, now = new Date()) {
  const db = getDb();
  const { token, row } = newAccountToken(purpose, now);
  return {
    token,
    operations: [
      db.accountToken.deleteMany({ where: { userId, purpose, usedAt: null } }),
      db.accountToken.create({ data: { ...row, userId } }),
    ] as const,
  };
}

/** Whose live token this is, without spending it (a page may show a form for it first). */
export async function peekAccountToken(token: unknown, purposes: TokenPurpose[]): Promise<{ userId: string; purpose: TokenPurpose } | null> {
  if (typeof token !== "string" || token.length < 20 || token.length > 100) return null;
  const row = await getDb().accountToken.findUnique({ where: { tokenHash: hashToken(token) }, select: { userId: true, purpose: true, usedAt: true, expiresAt: true } });
  const purpose = purposes.find((p) => p === row?.purpose);
  if (!row || !purpose || row.usedAt || row.expiresAt.getTime() <= Date.now()) return null;
  return { userId: row.userId, purpose };
}

/** The conditional update that spends a token: it matches for exactly one caller, only while the token is live. */
export function spendAccountTokenWhere(token: string, purpose: TokenPurpose, now = new Date()) {
  return { tokenHash: hashToken(token), purpose, usedAt: null, expiresAt: { gt: now } };
}
