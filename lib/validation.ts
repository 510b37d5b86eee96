import { z } from "zod";
import { messages } from "./messages";

const MAX_PASSWORD_CHARS = 128;

// Length is counted in characters (code points), after NFKC normalisation, so a password
// typed on a different keyboard still matches (NIST SP 800-63B 5.1.1.2).
const chars = (s: string) => [...s].length;

export const emailSchema = z
  .string({ error: messages.emailInvalid })
  .trim()
  .toLowerCase()
  .max(254, { error: messages.emailTooLong })
  .pipe(z.email({ error: messages.emailInvalid }));

export const newPasswordSchema = z
  .string({ error: messages.passwordTooShort })
  .max(MAX_PASSWORD_CHARS * 4, { error: messages.passwordTooLong })
  .transform((s) => s.normalize("NFKC"))
  .refine((s) => chars(s) >= 8, { error: messages.passwordTooShort })
  .refine((s) => chars(s) <= MAX_PASSWORD_CHARS, { error: messages.passwordTooLong });

export const existingPasswordSchema = z
  .string({ error: messages.passwordMissing })
  .min(1, { error: messages.passwordMissing })
  .max(MAX_PASSWORD_CHARS * 4, { error: messages.signInFailed })
  .transform((s) => s.normalize("NFKC"));

export const nameSchema = z
  .string()
  .max(400, { error: messages.nameTooLong })
  .transform((s) => s.normalize("NFKC").trim().replace(/\s+/g, " "))
  .refine((s) => chars(s) <= 100, { error: messages.nameTooLong })
  .refine((s) => !/\p{Cc}/u.test(s), { error: messages.nameInvalid })
  // Format characters (bidi overrides and isolates, invisible joiners) can make a name display as
  // something else in the admin pages. ZWNJ and ZWJ stay: Persian and Indic names need them.
  .refine((s) => !/(?![\u200C\u200D])\p{Cf}/u.test(s), { error: messages.nameInvalid })
  .transform((s) => (s === "" ? null : s));

export const signUpSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  name: nameSchema.optional().transform((v) => v ?? null),
});

export const signInSchema = z.object({
  email: emailSchema,
  password: existingPasswordSchema,
});

/**
 * A code as typed or pasted: "123 456", "123-456" and full-width digits all become "123456".
 * Kept as a string throughout, so leading zeros survive. Null when it isn't six digits.
 */
export function normalizeCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 64) return null;
  const code = input.normalize("NFKC").replace(/[\s\-.·]/g, "");
  return /^[0-9]{6}$/.test(code) ? code : null;
}

/** A keyfob's longer code (7 or 8 digits), cleaned the same way. */
export function normalizeLongCode(input: unknown): string | null {
  if (typeof input !== "string" || input.length > 64) return null;
  const code = input.normalize("NFKC").replace(/[\s\-.·]/g, "");
  return /^[0-9]{7,8}$/.test(code) ? code : null;
}

export type FieldErrors<K extends string> = Partial<Record<K, string>>;

/** The first message for each field of a failed parse. */
export function fieldErrors<K extends string>(error: z.ZodError): FieldErrors<K> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    out[field] ??= issue.message;
  }
  return out as FieldErrors<K>;
}
