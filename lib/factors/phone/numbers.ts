import "server-only";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { PhoneConfig } from "@/lib/config-schema";
import { encodeMessage } from "@/lib/messages";

/**
 * A person's own line. Not "personal numbers" (the UK's 070): they forward anywhere and share
 * their call charges with whoever rents them, a known route for toll fraud.
 */
const PERSONAL = new Set(["MOBILE", "FIXED_LINE", "FIXED_LINE_OR_MOBILE"]);

/** The refusals that are about the number typed: the phone-number form shows them at its field. */
const NUMBER_PROBLEMS = new Set(["phoneInvalid", "phoneCountryRefused", "phoneNotPersonal", "phoneSameNumber"]);

export function isNumberProblem(encoded: string | undefined): boolean {
  return encoded !== undefined && NUMBER_PROBLEMS.has(encoded.split(":")[0]!);
}

export type ParsedPhone = { ok: true; e164: string; lineType: "mobile" | "fixed-line" | "unknown" } | { ok: false; message: string };

/**
 * A number as a patient types it ("07700 900123", "+44 7700 900123", "(0)20 7946 0000"), in the
 * clinic's default region unless it starts with +. Full metadata tells mobiles from landlines
 * where the numbering plan can; a landline still works for calls. Numbers outside the clinic's
 * countries are refused: premium and far-away destinations are how SMS pumping makes money.
 */
export function parsePhone(input: unknown, phone: PhoneConfig): ParsedPhone {
  if (typeof input !== "string") return { ok: false, message: "phoneInvalid" };
  const typed = input.normalize("NFKC").trim();
  if (typed.length < 4 || typed.length > 32 || !/^[+0-9 ().-]+$/.test(typed)) return { ok: false, message: "phoneInvalid" };
  const parsed = parsePhoneNumberFromString(typed, phone.defaultRegion);
  if (!parsed || !parsed.isValid()) return { ok: false, message: "phoneInvalid" };
  if (!parsed.country || !phone.countries.includes(parsed.country)) {
    return { ok: false, message: encodeMessage("phoneCountryRefused", phone.countries.join(",")) };
  }
  const type = parsed.getType();
  // Only a person's own line: service numbers cost the clinic money to reach (toll fraud) and reach no patient.
  if (type && !PERSONAL.has(type)) return { ok: false, message: "phoneNotPersonal" };
  const lineType = type === "MOBILE" ? "mobile" : type === "FIXED_LINE" ? "fixed-line" : "unknown";
  return { ok: true, e164: parsed.number, lineType };
}
