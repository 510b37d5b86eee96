import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, decryptSecret, encryptSecret, hashToken } from "@/lib/crypto";

const key = randomBytes(32);
const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

describe("secrets at rest (AES-256-GCM)", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = encryptSecret(secret, key, "totp-secret:u1");
    expect(sealed).not.toContain(secret);
    expect(decryptSecret(sealed, key, "totp-secret:u1")).toBe(secret);
  });

  it("uses a fresh IV every time", () => {
    const a = encryptSecret(secret, key, "c");
    const b = encryptSecret(secret, key, "c");
    expect(a).not.toBe(b);
  });

  it("detects any altered byte", () => {
    const sealed = encryptSecret(secret, key, "c");
    const raw = Buffer.from(sealed.split(".")[1]!, "base64url");
    for (const index of [0, 13, 30, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[index] = copy[index]! ^ 0x01;
      expect(() => decryptSecret(`v1.${copy.toString("base64url")}`, key, "c")).toThrow(DecryptionError);
    }
  });

  it("refuses the wrong key, another user's row, and malformed values", () => {
    const sealed = encryptSecret(secret, key, "totp-secret:alice");
    expect(() => decryptSecret(sealed, randomBytes(32), "totp-secret:alice")).toThrow(DecryptionError);
    expect(() => decryptSecret(sealed, key, "totp-secret:mallory")).toThrow(DecryptionError);
    for (const bad of ["", "v1.", "v2.AAAA", secret, "v1.AAAA"]) {
      expect(() => decryptSecret(bad, key, "c")).toThrow(DecryptionError);
    }
  });

  it("hashes tokens one way, deterministically", () => {
    expect(hashToken("abc")).toBe(hashToken("abc"));
    expect(hashToken("abc")).not.toContain("abc");
    expect(hashToken("abc")).toHaveLength(64);
  });
});
