import { randomBytes } from "node:crypto";
import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken, encodeSessionToken } from "@/lib/session-token";

const secret = randomBytes(32).toString("base64");
const claims = { uid: "user-1", sid: "session-1" };

describe("session cookies (NextAuth's format, key derived once)", () => {
  it("reads a cookie NextAuth itself issued, and NextAuth reads ours: sessions survive the switch", async () => {
    const theirs = await encode({ token: claims, secret, maxAge: 60 });
    expect(await decodeSessionToken({ token: theirs, secret })).toMatchObject(claims);
    const ours = await encodeSessionToken({ token: claims, secret, maxAge: 60 });
    expect(await decode({ token: ours, secret })).toMatchObject(claims);
    // Also with a salt, which NextAuth mixes into the key.
    const salted = await encodeSessionToken({ token: claims, secret, salt: "s", maxAge: 60 });
    expect(await decode({ token: salted, secret, salt: "s" })).toMatchObject(claims);
  });

  it("refuses a cookie sealed under another secret, a tampered one and an expired one", async () => {
    const other = await encodeSessionToken({ token: claims, secret: randomBytes(32).toString("base64"), maxAge: 60 });
    await expect(decodeSessionToken({ token: other, secret })).rejects.toThrow();
    const good = await encodeSessionToken({ token: claims, secret, maxAge: 60 });
    const parts = good.split(".");
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith("AA") ? "BB" : "AA");
    await expect(decodeSessionToken({ token: parts.join("."), secret })).rejects.toThrow();
    // Expired well beyond the 15 s of clock tolerance.
    const old = await encodeSessionToken({ token: claims, secret, maxAge: -60 });
    await expect(decodeSessionToken({ token: old, secret })).rejects.toThrow();
  });
});
