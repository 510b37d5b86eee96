import "server-only";
import { createHmac, hkdfSync, randomInt } from "node:crypto";
import { getConfig } from "./config";
import { getDb } from "./db";

export const RECOVERY_CODE_COUNT = 10;
/** Crockford's base32: no I, L, O or U, so nothing reads as another character. */
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
/** 12 characters of 32 = 60 bits each, shown as xxxx-xxxx-xxxx. */
const CODE_CHARS = 12;

function newCode(): string {
  let raw = "";
  for (let i = 0; i < CODE_CHARS; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.replace(/(.{4})(?=.)/g, "$1-");
}

/**
 * A typed code in canonical form, or null when it cannot be one: case, spaces and dashes do not
 * matter, and the letters people confuse with digits (i, l, o) read as 1, 1 and 0.
 */
export function normalizeRecoveryCode(input: string): string | null {
  if (input.length > 64) return null;
  const code = input
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\-.]/g, "")
    .replace(/[il]/g, "1")
    .replace(/o/g, "0");
  if (code.length !== CODE_CHARS || [...code].some((c) => !ALPHABET.includes(c))) return null;
  return code;
}

/**
 * Codes are random 60-bit values, so a keyed fast hash is enough: without ENCRYPTION_KEY a copy
 * of the database gives nothing to brute-force offline, and checking stays cheap.
 */
function hashCode(canonical: string): string {
  const key = Buffer.from(hkdfSync("sha256", getConfig().encryptionKey, Buffer.alloc(0), "recovery-codes", 32));
  return createHmac("sha256", key).update(canonical).digest("hex");
}

/** Replaces any earlier set; returns the new codes, which exist nowhere else in plain text. */
export async function issueRecoveryCodes(userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  const db = getDb();
  await db.$transaction([
    db.recoveryCode.deleteMany({ where: { userId } }),
    db.recoveryCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashCode(normalizeRecoveryCode(code)!) })) }),
    db.user.update({ where: { id: userId }, data: { recoveryCodesIssuedAt: new Date() } }),
  ]);
  return codes;
}

/**
 * The first set after (re-)enrollment needs no password again; after that, new codes are a
 * step-up action. Null when this account's set has already been shown.
 */
export async function issueFirstRecoveryCodes(userId: string): Promise<string[] | null> {
  const { count } = await getDb().user.updateMany({
    where: { id: userId, enrolledAt: { not: null }, recoveryCodesIssuedAt: null },
    data: { recoveryCodesIssuedAt: new Date() },
  });
  return count === 1 ? issueRecoveryCodes(userId) : null;
}

/** Marks a matching unused code as used; of two racing requests with one code, one wins. */
export async function useRecoveryCode(userId: string, canonical: string): Promise<{ ok: true; remaining: number } | { ok: false }> {
  const db = getDb();
  const { count } = await db.recoveryCode.updateMany({
    where: { userId, codeHash: hashCode(canonical), usedAt: null },
    data: { usedAt: new Date() },
  });
  if (count !== 1) return { ok: false };
  return { ok: true, remaining: await countUnusedRecoveryCodes(userId) };
}

export function countUnusedRecoveryCodes(userId: string): Promise<number> {
  return getDb().recoveryCode.count({ where: { userId, usedAt: null } });
}
