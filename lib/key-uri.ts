import { generateURI } from "otplib";

/**
 * Google's Key Uri Format forbids a colon inside the issuer or the account name: the first
 * colon of the label separates the two, and apps decode the label before splitting it.
 * otplib 13 escapes neither, so "St. Mary: East" would show up as issuer "St. Mary".
 * Colons become spaces, control characters go, and runs of white space fold to one.
 */
export function labelText(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/[:\uFF1A]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** encodeURIComponent leaves !'()* alone; RFC 3986 strict encoding (as pyotp emits) escapes them too. */
function strictEncode(uri: string): string {
  return uri.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * otpauth://totp/Issuer:account?secret=BASE32&issuer=Issuer — SHA-1, 6 digits and 30 s are
 * the defaults that Google and Microsoft Authenticator assume, so otplib leaves them out.
 */
export function buildKeyUri(input: { issuer: string; account: string; secret: string }): string {
  const issuer = labelText(input.issuer);
  const account = labelText(input.account);
  if (!issuer || !account) throw new Error("Issuer and account name must contain visible text.");
  const secret = input.secret.replace(/=+$/, "");
  return strictEncode(generateURI({ issuer, label: account, secret }));
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", as people read and type it. */
export function groupKey(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}
