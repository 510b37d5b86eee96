/**
 * Every line the server writes goes through here. Values can come from a request (a NextAuth error
 * code, a header), so control characters are replaced: nobody can start a forged line with "\n" or
 * rewrite one with "\r" or terminal escapes. Never pass a secret, code or message body.
 */
export function cleanLogValue(value: unknown): string {
  return String(value).replace(/\p{Cc}/gu, "?").slice(0, 500);
}

export function logError(scope: string, ...values: unknown[]): void {
  console.error(`[${scope}] ${values.map(cleanLogValue).join(" ")}`);
}

export function logWarning(scope: string, ...values: unknown[]): void {
  console.warn(`[${scope}] ${values.map(cleanLogValue).join(" ")}`);
}
