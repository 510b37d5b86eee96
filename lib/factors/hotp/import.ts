/**
 * Reading a vendor's token file: CSV (serial, secret in hex or base32, digits) or unencrypted PSKC
 * (RFC 6030). Pure parsing, no database: every problem is collected with its line number so the
 * whole file can be refused at once. Error messages quote no secret and no file content beyond a
 * serial number.
 */
export type ParsedToken = { line: number; serial: string; secretHex: string; digits: number; counter: number };
export type ImportProblem = { line: number; message: string };
export type ParseResult = { ok: true; tokens: ParsedToken[] } | { ok: false; problems: ImportProblem[] };

/** RFC 4226 R6 asks for at least 128 bits; vendors ship 160. */
const MIN_SECRET_BYTES = 16;
const MAX_SECRET_BYTES = 64;
export const MAX_IMPORT_BYTES = 1024 * 1024;
export const MAX_IMPORT_TOKENS = 10_000;
const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32ToBytes(text: string): Buffer | null {
  const clean = text.replace(/=+$/, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index === -1) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** Hex when it reads as hex (even length, 0-9 a-f only), base32 otherwise. */
export function secretBytes(text: string): Buffer | null {
  const clean = text.replace(/[\s-]/g, "");
  if (clean.length === 0) return null;
  if (/^[0-9a-fA-F]+$/.test(clean) && clean.length % 2 === 0) return Buffer.from(clean, "hex");
  return base32ToBytes(clean);
}

function checkSecret(bytes: Buffer | null): string | null {
  if (!bytes) return "the secret is neither hex nor base32";
  if (bytes.length < MIN_SECRET_BYTES) return `the secret is too short (${bytes.length * 8} bits; at least ${MIN_SECRET_BYTES * 8} needed)`;
  if (bytes.length > MAX_SECRET_BYTES) return `the secret is too long (more than ${MAX_SECRET_BYTES} bytes)`;
  return null;
}

function checkSerial(serial: string): string | null {
  if (!serial) return "the serial number is missing";
  if (!SERIAL.test(serial)) return "the serial number may only hold letters, digits, dots, dashes and underscores (at most 64)";
  return null;
}

function checkDigits(text: string): number | string {
  if (text === "") return 6;
  if (!/^[0-9]{1,2}$/.test(text) || Number(text) < 6 || Number(text) > 8) return "digits must be 6, 7 or 8";
  return Number(text);
}

/** Splits one CSV line: commas or semicolons, optional double quotes. */
function csvFields(line: string): string[] {
  return line.split(/[,;]/).map((field) => field.trim().replace(/^"(.*)"$/, "$1").trim());
}

export function parseCsv(text: string): ParseResult {
  const problems: ImportProblem[] = [];
  const tokens: ParsedToken[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (!content || content.startsWith("#")) return;
    const fields = csvFields(content);
    if (tokens.length === 0 && problems.length === 0 && /^serial/i.test(fields[0] ?? "")) return;
    if (fields.length < 2 || fields.length > 4) {
      problems.push({ line, message: "expected serial, secret, digits (and optionally the counter)" });
      return;
    }
    const [serial = "", secret = "", digitsText = "", counterText = ""] = fields;
    const digits = checkDigits(digitsText);
    const bytes = secretBytes(secret);
    const counter = counterText === "" ? 0 : /^[0-9]{1,9}$/.test(counterText) ? Number(counterText) : NaN;
    const problem =
      checkSerial(serial) ??
      checkSecret(bytes) ??
      (typeof digits === "string" ? digits : null) ??
      (Number.isNaN(counter) ? "the counter must be a whole number below 1,000,000,000" : null);
    if (problem) problems.push({ line, message: problem });
    else tokens.push({ line, serial, secretHex: bytes!.toString("hex"), digits: digits as number, counter });
  });
  return finish(tokens, problems);
}

const lineAt = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** The text of the first element `name` (any namespace prefix) inside `xml`. */
function elementText(xml: string, name: string): string | null {
  const match = new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([\\s\\S]*?)</(?:[\\w.-]+:)?${name}>`).exec(xml);
  return match ? match[1]!.trim() : null;
}

function attribute(xml: string, element: string, name: string): string | null {
  const tag = new RegExp(`<(?:[\\w.-]+:)?${element}\\b([^>]*)>`).exec(xml);
  if (!tag) return null;
  const value = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(tag[1]!) ?? new RegExp(`\\b${name}\\s*=\\s*'([^']*)'`).exec(tag[1]!);
  return value ? value[1]! : null;
}

/**
 * PSKC key packages with plain values (RFC 6030 section 6 figure 2 and the like). Encrypted
 * packages need the vendor's transport key and are refused with a clear message.
 */
export function parsePskc(text: string): ParseResult {
  const problems: ImportProblem[] = [];
  const tokens: ParsedToken[] = [];
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) return { ok: false, problems: [{ line: 1, message: "the file declares a DOCTYPE or entities, which are not accepted" }] };
  const packages = /<(?:[\w.-]+:)?KeyPackage\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?KeyPackage>/g;
  let match: RegExpExecArray | null;
  while ((match = packages.exec(text))) {
    const line = lineAt(text, match.index);
    const body = match[1]!;
    const algorithm = attribute(body, "Key", "Algorithm") ?? "";
    // A PIN that protects a key on the device (RFC 6030 figure 5) is not a token of its own.
    if (/:pin$/i.test(algorithm)) continue;
    const data = elementText(body, "Data") ?? "";
    const secretXml = elementText(data, "Secret") ?? "";
    const serial = (elementText(elementText(body, "DeviceInfo") ?? "", "SerialNo") ?? attribute(body, "Key", "Id") ?? "").trim();
    let problem: string | null = null;
    if (!/hotp$/i.test(algorithm)) problem = "only HOTP keys can be imported (the key's Algorithm is not …:hotp)";
    else if (/EncryptedValue/.test(secretXml)) problem = "the secret is encrypted; export the file without encryption, or with plain values";
    const plain = elementText(secretXml, "PlainValue");
    const bytes = plain && /^[A-Za-z0-9+/=\s]+$/.test(plain) ? Buffer.from(plain.replace(/\s/g, ""), "base64") : null;
    const length = attribute(body, "ResponseFormat", "Length") ?? "6";
    const encoding = attribute(body, "ResponseFormat", "Encoding") ?? "DECIMAL";
    const digits = checkDigits(length);
    const counterText = elementText(elementText(data, "Counter") ?? "", "PlainValue") ?? "0";
    problem ??=
      checkSerial(serial) ??
      (plain === null ? "the key has no plain secret value" : checkSecret(bytes)) ??
      (encoding.toUpperCase() !== "DECIMAL" ? "only decimal codes are supported" : null) ??
      (typeof digits === "string" ? digits : null) ??
      (/^[0-9]{1,9}$/.test(counterText) ? null : "the counter must be a whole number below 1,000,000,000");
    if (problem) problems.push({ line, message: problem });
    else tokens.push({ line, serial, secretHex: bytes!.toString("hex"), digits: digits as number, counter: Number(counterText) });
  }
  if (tokens.length === 0 && problems.length === 0) problems.push({ line: 1, message: "the file holds no KeyPackage" });
  return finish(tokens, problems);
}

function finish(tokens: ParsedToken[], problems: ImportProblem[]): ParseResult {
  const seen = new Map<string, number>();
  for (const token of tokens) {
    const first = seen.get(token.serial.toLowerCase());
    if (first !== undefined) problems.push({ line: token.line, message: `serial ${token.serial} appears twice (first on line ${first})` });
    else seen.set(token.serial.toLowerCase(), token.line);
  }
  if (tokens.length > MAX_IMPORT_TOKENS) problems.push({ line: 1, message: `at most ${MAX_IMPORT_TOKENS} tokens per file` });
  if (problems.length) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  if (tokens.length === 0) return { ok: false, problems: [{ line: 1, message: "the file holds no tokens" }] };
  return { ok: true, tokens };
}

/** PSKC when it looks like XML, CSV otherwise. */
export function parseTokenFile(text: string): ParseResult {
  if (text.length > MAX_IMPORT_BYTES) return { ok: false, problems: [{ line: 1, message: "the file is larger than 1 MB" }] };
  if (text.includes("\u0000")) return { ok: false, problems: [{ line: 1, message: "the file is not text" }] };
  const body = text.replace(/^\uFEFF/, "");
  return body.trimStart().startsWith("<") ? parsePskc(body) : parseCsv(body);
}
