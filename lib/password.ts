import "server-only";
import { hash, verify, type Algorithm } from "@node-rs/argon2";

/** Algorithm.Argon2id; the enum is `const`, which isolated modules cannot read at build time. */
const ARGON2ID: Algorithm = 2;

// OWASP Password Storage Cheat Sheet, argon2id option 2: m = 19 MiB, t = 2, p = 1.
const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** Stored for an account that has no password until its owner chooses one (lib/sign-up.ts): nothing matches it. */
export const NO_PASSWORD = "";

/**
 * Checks a password against a stored hash. With no hash (unknown email, or NO_PASSWORD) it still
 * runs one full argon2 verification, so response time does not tell whether an account exists.
 */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  dummyHash ??= hashPassword("not-a-real-password-just-timing");
  const target = storedHash || (await dummyHash);
  try {
    const ok = await verify(target, password);
    return ok && Boolean(storedHash);
  } catch {
    return false;
  }
}
