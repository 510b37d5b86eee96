import type { Prisma } from "@/generated/prisma/client";

/**
 * What every second factor offers the rest of the app. A factor lives in lib/factors/<kind>/ and
 * is listed once in lib/factors/registry.ts; lib/second-factor.ts keeps the order limits → parse →
 * count → compare → reset and asks the registry only for the comparison.
 */
export type FactorKind = "totp" | "hotp";

/**
 * Outcome of one code. `plainWrong`: nothing specific to say, so another factor may still match.
 * `notHeld`: the account has no such factor (checking reads it anyway, so no separate lookup).
 */
export type FactorCheck = { ok: true } | { ok: false; message: string; plainWrong: boolean } | { ok: false; notHeld: true };

/** `firstUse`: not proven yet, so the next accepted code completes its setup (recovery codes follow). */
export type FactorSummary = { kind: FactorKind; label: string; state: string; firstUse: boolean };

export interface SecondFactor {
  kind: FactorKind;
  /** How sessions signed in with this factor are recorded. */
  method: "totp" | "keyfob";
  /** Whether this account can sign in with this factor now (confirmed, or waiting for its first code). */
  describe(userId: string): Promise<FactorSummary | null>;
  /** Compares a sign-in code and, on success, records it as used (atomically). */
  check(userId: string, code: string, ip: string | null): Promise<FactorCheck>;
  /** The writes that take this factor away from the account, for a reset's single transaction. */
  remove(userId: string): Prisma.PrismaPromise<unknown>[];
}
