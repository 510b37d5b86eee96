import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { configProblems } from "./support/config";
import { parseConfig, serverTimeZone } from "@/lib/config-schema";
import { DEFAULT_RESET_MESSAGE, resetMessageSchema } from "@/lib/admin";

const valid = { AUTH_SECRET: randomBytes(32).toString("base64"), ENCRYPTION_KEY: randomBytes(32).toString("base64") };

const problems = configProblems;

describe("clinic settings", () => {
  it("defaults to the server's time zone, no phone number, and the address on PORT", () => {
    const config = parseConfig(valid);
    expect(config.clinic).toEqual({ timeZone: serverTimeZone(), phone: null, hours: null });
    expect(config.port).toBe(3000);
    expect(config.appUrl.origin).toBe("http://localhost:3000");
    expect(parseConfig({ ...valid, PORT: "3401" }).appUrl.origin).toBe("http://localhost:3401");
    expect(parseConfig({ ...valid, PORT: "3401", NEXTAUTH_URL: "https://portal.example.org" }).appUrl.origin).toBe("https://portal.example.org");
  });

  it("takes a real time zone, a dialable number and opening hours", () => {
    const config = parseConfig({ ...valid, CLINIC_TIME_ZONE: "Europe/London", CLINIC_PHONE: "+44 20 7946 0000", CLINIC_HOURS: "Mon–Fri 8:00–18:00" });
    expect(config.clinic).toEqual({ timeZone: "Europe/London", phone: "+44 20 7946 0000", hours: "Mon–Fri 8:00–18:00" });
  });

  it.each([
    [{ CLINIC_TIME_ZONE: "Mars/Olympus_Mons" }, "CLINIC_TIME_ZONE must be an IANA time zone name"],
    [{ CLINIC_PHONE: "call us" }, "CLINIC_PHONE must be a phone number"],
    [{ CLINIC_PHONE: "12" }, "CLINIC_PHONE must be a phone number"],
    [{ CLINIC_HOURS: "x".repeat(101) }, "CLINIC_HOURS must be at most 100 characters"],
    [{ CLINIC_HOURS: "9\u0007-5" }, "CLINIC_HOURS can't contain control characters"],
    [{ PORT: "99999" }, "PORT must be a whole number from 1 to 65535"],
  ])("refuses %o with a sentence", (env, sentence) => {
    const found = problems({ ...valid, ...env });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(sentence);
  });
});

describe("the message a reset shows the patient", () => {
  it("falls back to the standard sentence when left empty, and refuses what could not be shown", () => {
    expect(resetMessageSchema.parse(undefined)).toBe(DEFAULT_RESET_MESSAGE);
    expect(resetMessageSchema.parse("   ")).toBe(DEFAULT_RESET_MESSAGE);
    expect(resetMessageSchema.parse("  Reset   after your call. ")).toBe("Reset after your call.");
    for (const bad of ["ok", "x".repeat(301), "bad\u0000message", 42]) expect(resetMessageSchema.safeParse(bad).success).toBe(false);
  });
});

describe("times in the clinic's zone", () => {
  it("names the zone and turns ISO timestamps in event details into clinic time", async () => {
    const { clinicDateTime, clinicTimesIn, clinicTimeZone } = await import("@/lib/clinic-time");
    expect(clinicTimeZone()).toBe(serverTimeZone());
    const text = clinicDateTime(new Date("2026-12-01T10:00:00.000Z"));
    expect(text).toMatch(/^\d{1,2} \w{3} 2026, \d{2}:\d{2} \S+$/);
    const detail = clinicTimesIn("until 2026-12-01T10:00:00.000Z");
    expect(detail).toBe(`until ${text}`);
    expect(detail).not.toContain("T10:00");
    expect(clinicTimesIn("recovery code")).toBe("recovery code");
  });
});
