import { createHmac, timingSafeEqual } from "node:crypto";

/** RFC 4226: HMAC-SHA-1 over the 8-byte counter, dynamic truncation, `digits` decimal digits. */
export function hotpCode(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, "0");
}

/**
 * The first counter in [from, to) whose code is `code`, or null. Every candidate is computed and
 * compared in constant time, so the time taken says nothing about where (or whether) it matched.
 */
export function findCounter(key: Buffer, code: string, digits: number, from: number, to: number): number | null {
  const typed = Buffer.from(code.padEnd(digits).slice(0, digits));
  let found: number | null = null;
  for (let counter = Math.max(0, from); counter < to; counter++) {
    if (timingSafeEqual(Buffer.from(hotpCode(key, counter, digits)), typed) && found === null) found = counter;
  }
  return found;
}
