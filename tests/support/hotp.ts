import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import type { Actor } from "@/lib/audit";
import { assignToken, importTokens } from "@/lib/factors/hotp/tokens";
import { newPatient } from "./users";

/** Codes from oathtool (Debian's liboath), independent of this project's HOTP code and of otplib. */
export function oathtoolHotp(hexSecret: string, counter: number, digits = 6): string {
  return execFileSync("oathtool", ["--hotp", "-d", String(digits), "-c", String(counter), hexSecret], { encoding: "utf8" }).trim();
}

export const consoleActor: Actor = { id: null, email: "operator@console", via: "cli", ip: null };

/** A fresh keyfob imported through the real CSV path, with its secret known to the test. */
export async function importedToken(digits = 6) {
  const serial = `T${randomUUID().slice(0, 8).toUpperCase()}`;
  const hex = randomBytes(20).toString("hex");
  const result = await importTokens(consoleActor, `serial,secret,digits\n${serial},${hex},${digits}\n`);
  if (!result.ok) throw new Error(`import failed: ${JSON.stringify(result.problems)}`);
  return { serial, hex, code: (counter: number) => oathtoolHotp(hex, counter, digits) };
}

/** A patient holding a keyfob handed out by the clinic (not yet proven). */
export async function patientWithToken(digits = 6) {
  const user = await newPatient();
  const token = await importedToken(digits);
  const assigned = await assignToken(consoleActor, token.serial, user.email, "handed over at the front desk");
  if (!assigned.ok) throw new Error(assigned.message);
  return { user, ...token };
}
