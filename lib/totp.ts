import "server-only";
import { generateSecret, verify } from "otplib";

export const TOTP_PERIOD_SECONDS = 30;
/** 20 random bytes = 160 bits, RFC 4226's recommended secret length. */
const SECRET_BYTES = 20;

export function createTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

export function timeStep(epochSeconds: number): number {
  return Math.floor(epochSeconds / TOTP_PERIOD_SECONDS);
}

/** Far enough to recognise a phone whose clock is a few minutes off; never accepted. */
const DRIFT_SEARCH_STEPS = 10;

export type CodeCheck = { ok: true; step: number } | { ok: false; reason: "wrong"; driftSteps?: number } | { ok: false; reason: "used" };

/**
 * Accepts the current 30-second step and one step either side (clock drift and typing time);
 * a code whose step is not after `lastStep` has been used already. `code` is six ASCII digits
 * (see normalizeCode). This only checks; recording the step atomically is the caller's job.
 */
export async function checkCode(
  secret: string,
  code: string,
  lastStep: number | null,
  now: number = Date.now() / 1000,
): Promise<CodeCheck> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now),
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  if (!result.valid) return { ok: false, reason: "wrong", driftSteps: await findDrift(secret, code, now) };
  const step = timeStep(Math.floor(now)) + result.delta;
  if (lastStep !== null && step <= lastStep) return { ok: false, reason: "used" };
  return { ok: true, step };
}

/**
 * When a refused code belongs to a step 2 to 10 steps away, the phone's clock is off by about
 * that much: worth telling the patient how to fix it. Returns the offset in steps, or undefined.
 */
async function findDrift(secret: string, code: string, now: number): Promise<number | undefined> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now),
    epochTolerance: DRIFT_SEARCH_STEPS * TOTP_PERIOD_SECONDS,
  });
  return result.valid && Math.abs(result.delta) >= 2 ? result.delta : undefined;
}
