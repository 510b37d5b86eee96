import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db";
import { decryptSecret } from "@/lib/crypto";
import { getConfig } from "@/lib/config";
import { secretContext } from "@/lib/two-factor";
import { registerPatient } from "@/lib/users";

export function uniqueEmail(prefix = "patient"): string {
  return `${prefix}-${randomUUID()}@example.test`;
}

export async function newPatient(password = "correct horse battery") {
  const result = await registerPatient({ email: uniqueEmail(), password, name: null });
  if (!result.ok) throw new Error("could not create test patient");
  return result.user;
}

/** Reads a stored secret back the way only the server can, to compute codes in tests. */
export async function storedSecret(userId: string, column: "totpSecret" | "totpPendingSecret"): Promise<string> {
  const row = await getDb().user.findUniqueOrThrow({ where: { id: userId } });
  const sealed = row[column];
  if (!sealed) throw new Error(`${column} is empty`);
  return decryptSecret(sealed, getConfig().encryptionKey, secretContext(userId));
}
