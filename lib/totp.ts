import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { generateSecret } from "otplib";

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
/** The current step and one either side, nearest first: what is accepted. */
const ACCEPTED_OFFSETS = [0, -1, 1];

export type CodeCheck = { ok: true; step: number } | { ok: false; reason: "wrong"; driftSteps?: number } | { ok: false; reason: "used" };

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (what authenticator apps and otplib use), without padding. */
function decodeBase32(secret: string): Buffer {
  const clean = secret.replace(/[\s=]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index === -1) throw new Error("TOTP secret is not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP with SHA-1 and 6 digits, for one counter (the TOTP time step). */
function codeAt(key: Buffer, step: number): Buffer {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return Buffer.from(String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0"));
}

/**
 * Accepts the current 30-second step and one step either side (clock drift and typing time);
 * a code whose step is not after `lastStep` has been used already. `code` is six ASCII digits
 * (see normalizeCode). This only checks; recording the step atomically is the caller's job.
 *
 * One pass: each step from 10 before to 10 after is computed once and compared in constant
 * time, then classified: accepted (±1), or a refused code from a phone whose clock is 2 to 10
 * steps off (worth telling the patient how to fix it).
 */
export async function checkCode(
  secret: string,
  code: string,
  lastStep: number | null,
  now: number = Date.now() / 1000,
): Promise<CodeCheck> {
  const key = decodeBase32(secret);
  const typed = Buffer.from(code.padEnd(6).slice(0, 6));
  const current = timeStep(Math.floor(now));
  const matches = new Set<number>();
  for (let offset = -DRIFT_SEARCH_STEPS; offset <= DRIFT_SEARCH_STEPS; offset++) {
    if (current + offset >= 0 && timingSafeEqual(codeAt(key, current + offset), typed)) matches.add(offset);
  }
  const accepted = ACCEPTED_OFFSETS.find((offset) => matches.has(offset));
  if (accepted !== undefined) {
    const step = current + accepted;
    if (lastStep !== null && step <= lastStep) return { ok: false, reason: "used" };
    return { ok: true, step };
  }
  const drift = [...matches].sort((a, b) => Math.abs(a) - Math.abs(b))[0];
  return { ok: false, reason: "wrong", driftSteps: drift };
}
