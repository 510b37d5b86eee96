import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "@/lib/password";
import { messages } from "@/lib/messages";
import { signInSchema, signUpSchema } from "@/lib/validation";

describe("password hashing", () => {
  it("uses argon2id with OWASP's parameters (19 MiB, t=2, p=1) and a random salt", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain("correct horse");
  });

  it("accepts the right password and refuses a wrong one or a missing account", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse batterY")).toBe(false);
    expect(await verifyPassword(null, "correct horse battery")).toBe(false);
    expect(await verifyPassword("not a hash", "x")).toBe(false);
  });
});

describe("sign-up input", () => {
  const base = { email: "Patient@Example.org ", password: "a long enough pw", name: "" };

  it("normalises email and treats an empty name as none", () => {
    const parsed = signUpSchema.parse(base);
    expect(parsed.email).toBe("patient@example.org");
    expect(parsed.name).toBeNull();
  });

  it.each([
    ["7 characters", { password: "1234567" }, "password", messages.passwordTooShort],
    ["129 characters", { password: "x".repeat(129) }, "password", messages.passwordTooLong],
    ["10 MB", { password: "x".repeat(10 * 1024 * 1024) }, "password", messages.passwordTooLong],
    ["a number", { password: 12345678 }, "password", messages.passwordTooShort],
    ["a missing email", { email: undefined }, "email", messages.emailInvalid],
    ["SQL-ish email", { email: "' OR 1=1 --" }, "email", messages.emailInvalid],
    ["a 10 MB email", { email: `${"a".repeat(10 * 1024 * 1024)}@x.org` }, "email", messages.emailTooLong],
    ["a control character in the name", { name: "Ann\u0007" }, "name", messages.nameInvalid],
    ["a right-to-left override in the name", { name: "Ann \u202Egnp.exe" }, "name", messages.nameInvalid],
    ["a bidi isolate in the name", { name: "\u2067Ann\u2069" }, "name", messages.nameInvalid],
    ["an invisible soft hyphen and word joiner", { name: "An\u00ADn\u2060" }, "name", messages.nameInvalid],
    ["a 101-character name", { name: "n".repeat(101) }, "name", messages.nameTooLong],
  ])("rejects %s with a clear message", (_label, override, field, message) => {
    const result = signUpSchema.safeParse({ ...base, ...override });
    expect(result.success).toBe(false);
    const issue = result.error!.issues.find((i) => i.path[0] === field);
    expect(issue?.message).toBe(message);
  });

  it("keeps the joiners that Persian and Indic names need", () => {
    expect(signUpSchema.parse({ ...base, name: "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645" }).name).toContain("\u200C");
  });

  it("allows 8 and 128 characters, counted as characters rather than bytes", () => {
    expect(signUpSchema.safeParse({ ...base, password: "12345678" }).success).toBe(true);
    expect(signUpSchema.safeParse({ ...base, password: "é".repeat(128) }).success).toBe(true);
    expect(signUpSchema.safeParse({ ...base, password: "🙂".repeat(8) }).success).toBe(true);
  });

  it("treats composed and decomposed accents as the same password", () => {
    const composed = signInSchema.parse({ email: "a@b.org", password: "caf\u00e9-passw0rd" }).password;
    const decomposed = signInSchema.parse({ email: "a@b.org", password: "cafe\u0301-passw0rd" }).password;
    expect(composed).toBe(decomposed);
  });
});
