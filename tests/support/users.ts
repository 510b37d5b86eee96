import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db";
import { decryptSecret } from "@/lib/crypto";
import { getConfig } from "@/lib/config";
import { secretContext, type KeyOwner } from "@/lib/two-factor";
import { registerPatient } from "@/lib/users";

export function uniqueEmail(prefix = "patient"): string {
  return `${prefix}-${randomUUID()}@example.test`;
}

export async function newPatient(password = "correct horse battery") {
  const result = await registerPatient({ email: uniqueEmail(), password, name: null });
  if (!result.ok) throw new Error("could not create test patient");
  return result.user;
}

/** Reads the active secret back the way only the server can, to compute codes in tests. */
export async function storedSecret(userId: string): Promise<string> {
  const row = await getDb().user.findUniqueOrThrow({ where: { id: userId } });
  if (!row.totpSecret) throw new Error("totpSecret is empty");
  return decryptSecret(row.totpSecret, getConfig().encryptionKey, secretContext.active(userId));
}

/** One browser's first setup of an account (in the app: the enroll challenge that asked for the key). */
export function setupOwner(userId: string, browser = "browser"): KeyOwner {
  return { userId, ownerId: `${browser}-${userId}`, kind: "first" };
}

/** A patient who has set up their authenticator: the key, and when its first code was used. */
export async function enrolledPatient(password = "correct horse battery") {
  const user = await newPatient(password);
  const { getOrCreatePendingEnrollment, confirmEnrollment } = await import("@/lib/two-factor");
  const { oathtoolCode } = await import("./otp");
  const { secret } = (await getOrCreatePendingEnrollment(setupOwner(user.id)))!;
  const now = Math.floor(Date.now() / 1000);
  const confirmed = await confirmEnrollment(setupOwner(user.id), oathtoolCode(secret, now), now);
  if (!confirmed.ok) throw new Error("could not enroll test patient");
  return { user, secret, now };
}
