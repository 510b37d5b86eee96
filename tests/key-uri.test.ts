import { describe, expect, it } from "vitest";
import { buildKeyUri, groupKey } from "@/lib/key-uri";
import { createTotpSecret } from "@/lib/totp";
import { pyotp } from "./support/otp";

const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** What an independent parser (pyotp.parse_uri) reads from the URI. */
function parseWithPyotp(uri: string): { name: string; issuer: string; secret: string } {
  const out = pyotp("t = pyotp.parse_uri(sys.argv[1])\nimport json\nprint(json.dumps({'name': t.name, 'issuer': t.issuer, 'secret': t.secret}))", uri);
  return JSON.parse(out);
}

/** The label split the way Google's Key Uri Format defines it: decode, then split at the first colon. */
function labelParts(uri: string) {
  const url = new URL(uri);
  const label = decodeURIComponent(url.pathname.replace(/^\/\/totp\/|^\//, ""));
  const colon = label.indexOf(":");
  return { prefix: label.slice(0, colon), account: label.slice(colon + 1), params: url.searchParams };
}

describe("otpauth key URI", () => {
  it("is otpauth://totp/Issuer:account with the issuer repeated as a parameter", () => {
    const uri = buildKeyUri({ issuer: "Clinic", account: "ann@example.org", secret });
    expect(uri).toBe(`otpauth://totp/Clinic:ann%40example.org?secret=${secret}&issuer=Clinic`);
  });

  it("percent-encodes spaces as %20, never +", () => {
    const uri = buildKeyUri({ issuer: "St Mary Clinic", account: "ann smith@example.org", secret });
    expect(uri).toContain("St%20Mary%20Clinic:ann%20smith%40example.org");
    expect(uri).toContain("issuer=St%20Mary%20Clinic");
    expect(uri).not.toContain("+");
  });

  it("encodes non-ASCII letters as UTF-8 and an independent parser reads them back", () => {
    const uri = buildKeyUri({ issuer: "Klinik Döbling – Ärzte", account: "zoë@exämple.org", secret });
    expect(uri).toMatch(/^[\x21-\x7e]+$/);
    expect(parseWithPyotp(uri)).toEqual({ issuer: "Klinik Döbling – Ärzte", name: "zoë@exämple.org", secret });
  });

  it("keeps a colon in the issuer or account from breaking the label", () => {
    const uri = buildKeyUri({ issuer: "St. Mary: East Wing", account: "odd:user@example.org", secret });
    const { prefix, account, params } = labelParts(uri);
    expect(prefix).toBe("St. Mary East Wing");
    expect(account).toBe("odd user@example.org");
    expect(params.get("issuer")).toBe(prefix);
    expect(parseWithPyotp(uri)).toEqual({ issuer: prefix, name: account, secret });
  });

  it("escapes reserved characters so a spec-following parser reads names back exactly", () => {
    // pyotp 2.6 decodes the whole URI before splitting it, so it misreads & # ? in names;
    // lib/config-schema.ts keeps those out of TOTP_ISSUER. Python's own URL parser reads them right.
    const issuer = "A&B Clinic #1 (100%) ?/=";
    const uri = buildKeyUri({ issuer, account: "x+y@example.org", secret });
    const read = pyotp(
      "from urllib.parse import urlsplit, unquote, parse_qs\nu = urlsplit(sys.argv[1])\nprint(unquote(u.path[1:]) + '|' + parse_qs(u.query)['issuer'][0])",
      uri,
    );
    expect(read).toBe(`${issuer}:x+y@example.org|${issuer}`);
    expect(uri).not.toMatch(/[()!'*]/);
  });

  it("carries the secret as base32 without padding, and pyotp computes the same codes from it", () => {
    const fresh = createTotpSecret();
    const uri = buildKeyUri({ issuer: "Clinic", account: "a@b.org", secret: fresh });
    expect(new URL(uri).searchParams.get("secret")).toBe(fresh);
    expect(uri).not.toContain("=&");
    expect(uri).not.toMatch(/%3D|=$/);
    const codes = pyotp("t = pyotp.parse_uri(sys.argv[1])\nprint(t.at(1700000000), t.digest().name, t.digits, t.interval)", uri);
    expect(codes.split(" ").slice(1)).toEqual(["sha1", "6", "30"]);
  });

  it("groups the key in fours for reading aloud or typing", () => {
    expect(groupKey(secret)).toBe("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  });
});
