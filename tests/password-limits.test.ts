import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderMessage } from "@/lib/messages";
import { checkPasswordBudget, passPasswordStep } from "@/lib/password-step";
import { newPatient, uniqueEmail } from "./support/users";

const PASSWORD = "correct horse battery";
const address = () => `203.0.113.${randomUUID()}`;
const keyOf = (r: Awaited<ReturnType<typeof passPasswordStep>>) => (r.ok ? "ok" : renderMessage(r.message).key);

describe("password guessing", () => {
  it("pauses one email from one address after 5 wrong passwords, and answers an unknown email the same way", async () => {
    const patient = await newPatient(PASSWORD);
    const ip = address();
    const known: string[] = [];
    const unknown: string[] = [];
    const nobody = uniqueEmail("nobody");
    for (let i = 0; i < 6; i++) {
      known.push(keyOf(await passPasswordStep(patient.email, "wrong password", ip)));
      unknown.push(keyOf(await passPasswordStep(nobody, "wrong password", ip)));
    }
    expect(known).toEqual(["signInFailed", "signInFailed", "signInFailed", "signInFailed", "locked", "locked"]);
    expect(unknown).toEqual(known);
  });

  it("cannot lock the patient out from the attacker's address: the patient's own address still works", async () => {
    const patient = await newPatient(PASSWORD);
    const attacker = address();
    for (let i = 0; i < 8; i++) await passPasswordStep(patient.email, "guess", attacker);
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, attacker))).toBe("locked");
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, address()))).toBe("ok");
  });

  it("resets the email's count when the right password is given", async () => {
    const patient = await newPatient(PASSWORD);
    const ip = address();
    for (let i = 0; i < 4; i++) await passPasswordStep(patient.email, "typo", ip);
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, ip))).toBe("ok");
    for (let i = 0; i < 4; i++) expect(keyOf(await passPasswordStep(patient.email, "typo", ip))).toBe("signInFailed");
  });

  it("caps one address spraying many accounts, and says it is the address, not an account, that is paused", async () => {
    const ip = address();
    let refusedAt = -1;
    for (let i = 0; i < 120 && refusedAt < 0; i++) {
      const result = await passPasswordStep(uniqueEmail("spray"), "Password1!", ip);
      if (keyOf(result) === "tooManyAttempts") refusedAt = i + 1;
    }
    expect(refusedAt).toBe(100);
    expect(renderMessage(await checkPasswordBudget(ip)).key).toBe("tooManyAttempts");
  });
});

describe("no account-wide password lock", () => {
  it("lets the patient in from their own address however many wrong passwords arrive from elsewhere", async () => {
    const patient = await newPatient(PASSWORD);
    for (let attacker = 0; attacker < 30; attacker++) {
      const ip = address();
      for (let i = 0; i < 5; i++) await passPasswordStep(patient.email, `guess ${i}`, ip);
    }
    expect(keyOf(await passPasswordStep(patient.email, PASSWORD, address()))).toBe("ok");
  });
});
