import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { startOwnPortal } from "./helpers";

// A portal of its own configured for Plivo, as `next start` runs in production.
const PORT = Number(process.env.E2E_PORT ?? 3100) + 7;
const AUTH_TOKEN = "plivo-e2e-auth-token-0123456789";

test("with Plivo configured, the call's answer URL refuses requests without Plivo's V3 signature", async () => {
  test.setTimeout(120_000);
  const portal = await startOwnPortal(PORT, ".tmp/e2e-plivo.db", {
    SMS_PROVIDER: "plivo",
    PLIVO_AUTH_ID: "MAABCDEFGHIJ12345678",
    PLIVO_AUTH_TOKEN: AUTH_TOKEN,
    PLIVO_FROM: "+441234567891",
  });
  try {
    const url = `${portal.base}/api/voice/answer/${randomBytes(32).toString("base64url")}`;
    const nonce = randomUUID();
    const sign = (token: string) => createHmac("sha256", token).update(`${url}.${nonce}`).digest("base64");
    const get = (headers: Record<string, string>) => fetch(url, { headers }).then((response) => response.status);

    expect(await get({})).toBe(403);
    expect(await get({ "X-Plivo-Signature-V3": sign("someone-elses-auth-token"), "X-Plivo-Signature-V3-Nonce": nonce })).toBe(403);
    // Signed by Plivo: past the gate, and then an unknown token is simply not found.
    expect(await get({ "X-Plivo-Signature-V3": sign(AUTH_TOKEN), "X-Plivo-Signature-V3-Nonce": nonce })).toBe(404);
    expect(portal.output).not.toContain(AUTH_TOKEN);
  } finally {
    portal.kill();
  }
});
