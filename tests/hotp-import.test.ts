import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resetEnrollment } from "@/lib/admin";
import { decryptSecret } from "@/lib/crypto";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { hotpCode } from "@/lib/factors/hotp/codes";
import { assignToken, importTokens, listTokens, tokenSecretContext, verifyHotpForUser } from "@/lib/factors/hotp/tokens";
import { parseTokenFile } from "@/lib/factors/hotp/import";
import { hasSignInFactor } from "@/lib/factors/registry";
import { consoleActor, oathtoolHotp, patientWithToken } from "./support/hotp";
import { newPatient } from "./support/users";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const serial = () => `S${randomUUID().slice(0, 8).toUpperCase()}`;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const toBase32 = (bytes: Buffer) => {
  let bits = "";
  for (const b of bytes) bits += b.toString(2).padStart(8, "0");
  return bits.match(/.{1,5}/g)!.map((chunk) => BASE32[parseInt(chunk.padEnd(5, "0"), 2)]).join("");
};

describe("token import", () => {
  it("imports the RFC 6030 PSKC sample: serial, 8 digits, counter and secret as the RFC gives them", async () => {
    const parsed = parseTokenFile(fixture("pskc-rfc6030-figure2.xml"));
    expect(parsed).toEqual({ ok: true, tokens: [{ line: 5, serial: "987654321", secretHex: Buffer.from("12345678901234567890").toString("hex"), digits: 8, counter: 0 }] });
    // Imported for real (the sample's serial made unique so the test can run twice on one database).
    const unique = serial();
    const result = await importTokens(consoleActor, fixture("pskc-rfc6030-figure2.xml").replace("987654321", unique));
    expect(result).toEqual({ ok: true, imported: 1 });
    const row = await getDb().hardwareToken.findUniqueOrThrow({ where: { serial: unique } });
    expect(row).toMatchObject({ digits: 8, counter: 0, state: "free", userId: null });
    const hex = decryptSecret(row.secret, getConfig().encryptionKey, tokenSecretContext(row.id));
    expect(oathtoolHotp(hex, 0, 8)).toBe(hotpCode(Buffer.from("12345678901234567890"), 0, 8));
  });

  it("refuses an encrypted PSKC file with a clear message", () => {
    const parsed = parseTokenFile(fixture("pskc-encrypted.xml"));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]!.message).toMatch(/encrypted/);
  });

  it("reads CSV secrets in hex and base32 alike, and keeps them encrypted, bound to their row", async () => {
    const bytes = randomBytes(20);
    const [a, b] = [serial(), serial()];
    expect(await importTokens(consoleActor, `# from the vendor\nserial;secret;digits\n${a};${bytes.toString("hex")};6\n"${b}","${toBase32(bytes)}",6\n`)).toEqual({ ok: true, imported: 2 });
    const rows = await getDb().hardwareToken.findMany({ where: { serial: { in: [a, b] } }, orderBy: { serial: "asc" } });
    for (const row of rows) {
      expect(row.secret).not.toContain(bytes.toString("hex"));
      expect(decryptSecret(row.secret, getConfig().encryptionKey, tokenSecretContext(row.id))).toBe(bytes.toString("hex"));
      // Copied to the other row, the ciphertext no longer opens.
      const other = rows.find((r) => r.id !== row.id)!;
      expect(() => decryptSecret(row.secret, getConfig().encryptionKey, tokenSecretContext(other.id))).toThrow();
    }
  });

  it("reports every bad row by line and imports nothing from such a file", async () => {
    const good = serial();
    const text = [
      "serial,secret,digits",
      `${good},${randomBytes(20).toString("hex")},6`,
      `${serial()},abcd,6`,
      `${serial()},${randomBytes(20).toString("hex")},9`,
      `bad serial!,${randomBytes(20).toString("hex")},6`,
      `${good},${randomBytes(20).toString("hex")},6`,
      "just-one-field",
    ].join("\n");
    const result = await importTokens(consoleActor, text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7]);
    expect(result.problems[0]!.message).toMatch(/too short/);
    expect(result.problems[1]!.message).toMatch(/digits/);
    expect(result.problems[3]!.message).toMatch(/twice/);
    expect(JSON.stringify(result.problems)).not.toMatch(/[0-9a-f]{40}/);
    expect(await getDb().hardwareToken.count({ where: { serial: good } })).toBe(0);
  });

  it("refuses a file naming a serial imported before, importing none of its other rows", async () => {
    const old = serial();
    const fresh = serial();
    expect(await importTokens(consoleActor, `${old},${randomBytes(20).toString("hex")},6`)).toMatchObject({ ok: true });
    const again = await importTokens(consoleActor, `${fresh},${randomBytes(20).toString("hex")},6\n${old.toLowerCase()},${randomBytes(20).toString("hex")},6`);
    expect(again).toEqual({ ok: false, problems: [{ line: 2, message: `serial ${old} was imported before` }] });
    expect(await getDb().hardwareToken.count({ where: { serial: fresh } })).toBe(0);
  });

  it("audits an import by serials only", async () => {
    const s = serial();
    const hex = randomBytes(20).toString("hex");
    await importTokens(consoleActor, `${s},${hex},6`);
    const entry = await getDb().auditEntry.findFirstOrThrow({ where: { action: "tokens-imported", reason: { contains: s } } });
    expect(entry.reason).not.toContain(hex);
  });
});

describe("assignment", () => {
  it("sends a patient with a handed-out keyfob to the code step, and a reset takes the keyfob back", async () => {
    const { user, serial: s, code } = await patientWithToken();
    expect(await hasSignInFactor(user.id)).toBe(true);
    expect((await listTokens({ serial: s }))[0]).toMatchObject({ state: "assigned", holderEmail: user.email });
    expect(await verifyHotpForUser(user.id, code(0))).toEqual({ ok: true });
    const audit = await getDb().auditEntry.findFirstOrThrow({ where: { action: "token-assigned", targetId: user.id } });
    expect(audit.reason).toContain(s);

    expect(await resetEnrollment({ ...consoleActor, email: "admin@console" }, user.id, "patient lost the keyfob")).toEqual({ ok: true });
    expect(await hasSignInFactor(user.id)).toBe(false);
    expect((await listTokens({ serial: s }))[0]).toMatchObject({ state: "free", holderEmail: null });
    expect(await verifyHotpForUser(user.id, code(1))).toEqual({ ok: false, reason: "not-assigned" });
  });

  it("refuses a keyfob that is not free, an unknown serial, a second keyfob and a non-patient", async () => {
    const { user, serial: s } = await patientWithToken();
    const other = await newPatient();
    expect(await assignToken(consoleActor, s, other.email, "second hand")).toMatchObject({ ok: false, message: expect.stringMatching(/not free/) });
    expect(await assignToken(consoleActor, "NO-SUCH-SERIAL", other.email, "typo")).toMatchObject({ ok: false, message: expect.stringMatching(/No keyfob/) });
    const spare = serial();
    await importTokens(consoleActor, `${spare},${randomBytes(20).toString("hex")},6`);
    expect(await assignToken(consoleActor, spare, user.email, "a second one")).toMatchObject({ ok: false, message: expect.stringMatching(/already has a keyfob/) });
    expect((await listTokens({ serial: spare }))[0]).toMatchObject({ state: "free" });
  });
});

describe("the patient is told", () => {
  it("by email when a keyfob is assigned, proven and marked lost, without the serial's secret", async () => {
    const { user, serial: s, hex, code } = await patientWithToken();
    expect(await verifyHotpForUser(user.id, code(0))).toEqual({ ok: true });
    const { releaseToken } = await import("@/lib/factors/hotp/tokens");
    expect(await releaseToken(consoleActor, s, "lost", "reported lost by phone")).toEqual({ ok: true });
    const kinds = (await getDb().outboxMessage.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } })).map((m) => m.kind);
    expect(kinds).toEqual(["keyfob-assigned", "keyfob-proven", "keyfob-removed"]);
    const bodies = await getDb().outboxMessage.findMany({ where: { userId: user.id }, select: { body: true, subject: true } });
    expect(JSON.stringify(bodies)).not.toContain(hex);
  });
});
