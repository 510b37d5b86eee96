import "server-only";
import { hkdfSync, randomUUID } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";
import type { JWT, JWTDecodeParams, JWTEncodeParams } from "next-auth/jwt";

/**
 * NextAuth's session cookie, in exactly NextAuth 4's own format (a JWE, "dir" + A256GCM, under
 * an HKDF-SHA256 key derived from the secret), so cookies issued either way stay valid. NextAuth
 * derives the key again for every cookie it reads or writes, on the libuv pool where it queues
 * behind password hashes; the key depends only on the secret, so it is derived once here.
 */
const keys = new Map<string, Uint8Array>();

function encryptionKey(secret: string | Buffer, salt: string): Uint8Array {
  const id = `${salt}\u0000${typeof secret === "string" ? secret : secret.toString("hex")}`;
  let key = keys.get(id);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, salt, `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ""}`, 32));
    keys.set(id, key);
  }
  return key;
}

const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export async function encodeSessionToken({ token = {}, secret, maxAge = DEFAULT_MAX_AGE_SECONDS, salt = "" }: JWTEncodeParams): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new EncryptJWT(token)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt(now)
    .setExpirationTime(now + maxAge)
    .setJti(randomUUID())
    .encrypt(encryptionKey(secret, salt));
}

export async function decodeSessionToken({ token, secret, salt = "" }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  const { payload } = await jwtDecrypt(token, encryptionKey(secret, salt), { clockTolerance: 15 });
  return payload as JWT;
}
