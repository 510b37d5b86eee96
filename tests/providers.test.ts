import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getConfig } from "@/lib/config";
import type { PhoneConfig } from "@/lib/config-schema";
import { getDb } from "@/lib/db";
import { startPhoneSetup } from "@/lib/factors/phone/phones";
import { createPhoneChannels } from "@/lib/messaging/phone";
import { answerCall, plivoRequestAllowed } from "@/lib/messaging/plivo";
import { deliverDue } from "@/lib/messaging/worker";
import { startRecorder, type Recorded } from "./support/provider-recorder";
import { lastPhoneMessage, uniqueMobile } from "./support/phone";
import { newPatient } from "./support/users";

const TWILIO = { kind: "twilio" as const, accountSid: `AC${"a1".repeat(16)}`, authToken: "twilio-test-auth-token", from: "+441234567890" };
const PLIVO = { kind: "plivo" as const, authId: "MAABCDEFGHIJ12345678", authToken: "plivo-test-auth-token", from: "+441234567891" };

/** Status the stand-in answers with for the next request to each number (default: accepted). */
const planned = new Map<string, number>();

function statusFor(request: Recorded, to: string | undefined): number {
  return (to && planned.get(to)) || 0;
}

function twilioReply(request: Recorded): [number, unknown] {
  const status = statusFor(request, request.form.To);
  if (status >= 400) return [status, { code: status === 400 ? 21211 : 20500, message: `The 'To' number ${request.form.To} is not valid.`, status }];
  if (request.path.endsWith("/Messages.json")) return [201, { sid: `SM${"1".repeat(32)}`, status: "queued" }];
  if (request.path.endsWith("/Calls.json")) return [201, { sid: `CA${"2".repeat(32)}`, status: "queued" }];
  return [404, { code: 20404, message: "not found", status: 404 }];
}

function plivoReply(request: Recorded): [number, unknown] {
  const dst = (request.json as { dst?: string } | null)?.dst;
  const status = statusFor(request, dst);
  if (status >= 400) return [status, { api_id: randomUUID(), error: `invalid destination number ${dst}` }];
  if (request.path.includes("/Call/")) return [201, { api_id: randomUUID(), message: "call fired", request_uuid: randomUUID() }];
  if (request.path.includes("/Message/")) return [202, { api_id: randomUUID(), message: "message(s) queued", message_uuid: [randomUUID()] }];
  return [404, { api_id: randomUUID(), error: "not found" }];
}

let twilio: Awaited<ReturnType<typeof startRecorder>>;
let plivo: Awaited<ReturnType<typeof startRecorder>>;
beforeAll(async () => {
  twilio = await startRecorder(twilioReply);
  plivo = await startRecorder(plivoReply);
});
afterAll(() => {
  twilio.close();
  plivo.close();
});

const phoneWith = (provider: PhoneConfig["provider"]): PhoneConfig => ({ ...getConfig().phone, provider });

/** A patient asks for a code by text or call; it waits in the outbox for the provider. */
async function queued(channel: "sms" | "voice") {
  const user = await newPatient();
  const number = uniqueMobile();
  await startPhoneSetup({ userId: user.id, challengeId: randomUUID(), number: number.typed, channel, ip: `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID()}` });
  return { e164: number.e164, ...(await lastPhoneMessage(number.e164)) };
}

const rowFor = (e164: string) =>
  getDb().outboxMessage.findFirstOrThrow({ where: { recipient: e164 }, select: { status: true, attempts: true, lastError: true } });

describe("Twilio through the official SDK", () => {
  const channels = () => createPhoneChannels(phoneWith(TWILIO), { twilioBaseUrl: twilio.url });

  it("sends a text with Messages.create: form body To, From, Body, Basic auth with the account SID", async () => {
    const sent = await queued("sms");
    expect(await deliverDue({ channels: channels(), onlyTo: [sent.e164] })).toMatchObject({ sent: 1 });
    const request = twilio.requests.find((r) => r.form.To === sent.e164)!;
    expect(request).toMatchObject({ method: "POST", path: `/2010-04-01/Accounts/${TWILIO.accountSid}/Messages.json`, user: TWILIO.accountSid, password: TWILIO.authToken });
    expect(request.contentType).toContain("application/x-www-form-urlencoded");
    expect(request.form).toEqual({ To: sent.e164, From: TWILIO.from, Body: sent.text });
    expect((await rowFor(sent.e164)).status).toBe("sent");
  });

  it("places a call with Calls.create and TwiML <Say> reading the code twice", async () => {
    const called = await queued("voice");
    await deliverDue({ channels: channels(), onlyTo: [called.e164] });
    const request = twilio.requests.find((r) => r.form.To === called.e164)!;
    expect(request.path).toBe(`/2010-04-01/Accounts/${TWILIO.accountSid}/Calls.json`);
    expect(request.form.From).toBe(TWILIO.from);
    const spoken = called.code.split("").join(". ");
    expect(request.form.Twiml).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-GB">Hello. This is Test Clinic. Your sign-in code is: ${spoken}. Again: ${spoken}. Goodbye.</Say></Response>`,
    );
  });

  it("retries after a 5xx and gives up on a 4xx, recording the cause without the number or the code", async () => {
    const flaky = await queued("sms");
    planned.set(flaky.e164, 503);
    expect(await deliverDue({ channels: channels(), onlyTo: [flaky.e164] })).toMatchObject({ retrying: 1 });
    expect(await rowFor(flaky.e164)).toMatchObject({ status: "queued", attempts: 1, lastError: "Twilio 503 (error 20500)" });

    const refused = await queued("sms");
    planned.set(refused.e164, 400);
    expect(await deliverDue({ channels: channels(), onlyTo: [refused.e164] })).toMatchObject({ failed: 1 });
    const row = await rowFor(refused.e164);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toBe("PermanentDeliveryError: Twilio 400 (error 21211)");
  });
});

describe("Plivo through the official SDK", () => {
  const channels = () => createPhoneChannels(phoneWith(PLIVO), { url: `${plivo.url}/v1/Account/${PLIVO.authId}` });

  it("sends a text with messages.create: JSON src, dst, text, Basic auth with the Auth ID", async () => {
    const sent = await queued("sms");
    expect(await deliverDue({ channels: channels(), onlyTo: [sent.e164] })).toMatchObject({ sent: 1 });
    const request = plivo.requests.find((r) => (r.json as { dst?: string } | null)?.dst === sent.e164)!;
    expect(request).toMatchObject({ method: "POST", path: `/v1/Account/${PLIVO.authId}/Message/`, user: PLIVO.authId, password: PLIVO.authToken });
    expect(request.contentType).toContain("application/json");
    expect(request.json).toMatchObject({ src: PLIVO.from, dst: sent.e164, text: sent.text });
  });

  it("retries after a 5xx and gives up on a 4xx", async () => {
    const flaky = await queued("sms");
    planned.set(flaky.e164, 500);
    expect(await deliverDue({ channels: channels(), onlyTo: [flaky.e164] })).toMatchObject({ retrying: 1 });
    expect(await rowFor(flaky.e164)).toMatchObject({ status: "queued", lastError: "Plivo 500" });

    const refused = await queued("sms");
    planned.set(refused.e164, 400);
    expect(await deliverDue({ channels: channels(), onlyTo: [refused.e164] })).toMatchObject({ failed: 1 });
    expect(await rowFor(refused.e164)).toMatchObject({ status: "failed", lastError: "PermanentDeliveryError: Plivo 400" });
  });
});

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.resolve("node_modules/.bin/tsx"), args, { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}

describe("Plivo calls", () => {
  it("places a call with calls.create whose single-use answer URL, served by the portal, speaks the code", async () => {
    // A certificate for Plivo's fixed host, trusted only by the child process that places the call.
    const dir = mkdtempSync(path.join(tmpdir(), "plivo-tls-"));
    const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=api.plivo.com", "-addext", "subjectAltName=DNS:api.plivo.com"], { stdio: "ignore" });
    const proxy = await startRecorder(plivoReply, { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") });
    try {
      const called = await queued("voice");
      // Not spawnSync: the stand-in answering the child runs in this process.
      const run = await runChild(
        ["--conditions=react-server", "tests/support/plivo-call.ts", proxy.url, called.e164, PLIVO.authId, PLIVO.authToken, PLIVO.from],
        { ...process.env, NODE_EXTRA_CA_CERTS: cert },
      );
      expect(run.stderr).not.toContain(called.code);
      expect(JSON.parse(run.stdout.trim().split("\n").at(-1)!)).toMatchObject({ sent: 1 });

      const request = proxy.requests.find((r) => r.path.includes("/Call/"))!;
      expect(request).toMatchObject({ method: "POST", host: "api.plivo.com", path: `/v1/Account/${PLIVO.authId}/Call/`, user: PLIVO.authId, password: PLIVO.authToken });
      const body = request.json as { from: string; to: string; answer_url: string; answer_method: string };
      expect(body).toMatchObject({ from: PLIVO.from, to: called.e164, answer_method: "GET" });
      // The code never travels to Plivo in the request, only in the answer the portal gives once.
      expect(request.body).not.toContain(called.code);
      const answerUrl = new URL(body.answer_url);
      expect(answerUrl.origin).toBe(getConfig().appUrl.origin);
      const token = answerUrl.pathname.match(/^\/api\/voice\/answer\/([A-Za-z0-9_-]{43})$/)![1]!;

      const spoken = called.code.split("").join(". ");
      expect(await answerCall(token)).toBe(
        `<Response><Speak language="en-GB">Hello. This is Test Clinic. Your sign-in code is: ${spoken}. Again: ${spoken}. Goodbye.</Speak></Response>`,
      );
      expect(await answerCall(token)).toBeNull();
      expect(await answerCall(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`)).toBeNull();
      expect(await answerCall("../../etc/passwd")).toBeNull();
    } finally {
      proxy.close();
    }
  });
});

describe("Plivo's request signature on the answer URL", () => {
  // Plivo's documented V3 scheme, computed here without the SDK: HMAC-SHA256 with the auth token
  // over the URL it fetched, a dot and the nonce, in base64.
  const sign = (url: string, nonce: string, token = PLIVO.authToken) => createHmac("sha256", token).update(`${url}.${nonce}`).digest("base64");
  const path = "/api/voice/answer/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
  const url = new URL(path, getConfig().appUrl).toString();
  const settings = { authToken: PLIVO.authToken, production: true };

  it("answers a request Plivo signed with the account's auth token, and no other", async () => {
    const nonce = randomUUID();
    expect(await plivoRequestAllowed({ method: "GET", path, signature: sign(url, nonce), nonce }, settings)).toBe(true);
    // Plivo may send several signatures during a token rotation.
    expect(await plivoRequestAllowed({ method: "GET", path, signature: `${sign(url, nonce, "old-token-old-token")},${sign(url, nonce)}`, nonce }, settings)).toBe(true);
    expect(await plivoRequestAllowed({ method: "GET", path, signature: sign(url, nonce, "someone-elses-token"), nonce }, settings)).toBe(false);
    expect(await plivoRequestAllowed({ method: "GET", path, signature: sign(url, nonce), nonce: randomUUID() }, settings)).toBe(false);
    expect(await plivoRequestAllowed({ method: "GET", path: `${path.slice(0, -1)}f`, signature: sign(url, nonce), nonce }, settings)).toBe(false);
    expect(await plivoRequestAllowed({ method: "GET", path, signature: "not base64 at all", nonce }, settings)).toBe(false);
  });

  it("refuses an unsigned request in production with Plivo configured, and lets one through elsewhere", async () => {
    expect(await plivoRequestAllowed({ method: "GET", path, signature: null, nonce: null }, settings)).toBe(false);
    expect(await plivoRequestAllowed({ method: "GET", path, signature: null, nonce: null }, { ...settings, production: false })).toBe(true);
    expect(await plivoRequestAllowed({ method: "GET", path, signature: null, nonce: null }, { authToken: null, production: true })).toBe(true);
  });
});
