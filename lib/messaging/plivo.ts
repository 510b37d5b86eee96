import "server-only";
import type * as Plivo from "plivo";
import { getConfig } from "../config";
import { createToken, hashToken } from "../crypto";
import { getDb } from "../db";
import { PermanentDeliveryError, type Channel } from "./channel";
import { openBody } from "./outbox";

export type PlivoSettings = { authId: string; authToken: string; from: string };
/** Tests only: `url` redirects the SDK's message calls; voice calls go to a fixed host and need `proxy`. */
export type PlivoEndpoints = { url?: string; proxy?: string };

/** How long Plivo has to fetch what a call says: it does so as soon as the patient answers. */
const ANSWER_TTL_MS = 10 * 60_000;

/**
 * The SDK rejects with an error carrying the HTTP status (its class is lost in transpiling) or,
 * on network errors, a string. Only the status names the cause here: the error's other fields
 * echo the request, code included. A 4xx other than 429 fails for good.
 */
function describe(error: unknown): Error {
  const status = typeof error === "object" && error !== null && "status" in error && typeof error.status === "number" ? error.status : null;
  const text = `Plivo ${status ?? "network error"}`;
  return status && status >= 400 && status < 500 && status !== 429 ? new PermanentDeliveryError(text) : new Error(text);
}

/**
 * Texts with messages.create and calls with calls.create through the official SDK. A Plivo call
 * cannot carry what it says: Plivo fetches it from an answer URL the portal serves
 * (app/api/voice/answer), which is unguessable (a 256-bit token, stored hashed) and works once.
 */
export function createPlivoChannels(settings: PlivoSettings, endpoints: PlivoEndpoints = {}): { sms: Channel; voice: Channel } {
  // The SDK is large: loaded at the first message, not by every process that imports the outbox (the console).
  let loaded: Promise<Plivo.Client> | undefined;
  const sdk = () =>
    (loaded ??= import("plivo").then(
      (plivo) =>
        new plivo.Client(settings.authId, settings.authToken, {
          ...(endpoints.url ? { url: endpoints.url } : {}),
          ...(endpoints.proxy ? { proxy: endpoints.proxy } : {}),
        }),
    ));
  return {
    sms: {
      name: "sms",
      async send(message) {
        const client = await sdk();
        await client.messages.create(settings.from, message.recipient, message.text).catch((error: unknown) => {
          throw describe(error);
        });
      },
    },
    voice: {
      name: "voice",
      async send(message) {
        const client = await sdk();
        const token = createToken();
        await getDb().voiceAnswer.create({ data: { tokenHash: hashToken(token), messageId: message.id, expiresAt: new Date(Date.now() + ANSWER_TTL_MS) } });
        const answerUrl = new URL(`/api/voice/answer/${token}`, getConfig().appUrl).toString();
        await client.calls.create(settings.from, message.recipient, answerUrl, { answer_method: "GET" }).catch((error: unknown) => {
          throw describe(error);
        });
      },
    },
  };
}

/**
 * What a call says, for the one fetch its answer URL allows: Speak XML, or null when the token is
 * unknown, used or expired (the route answers 404 and Plivo hangs up).
 */
export async function answerCall(token: string, now = new Date()): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const db = getDb();
  const tokenHash = hashToken(token);
  const { count } = await db.voiceAnswer.updateMany({ where: { tokenHash, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
  if (count !== 1) return null;
  const answer = await db.voiceAnswer.findUnique({ where: { tokenHash }, select: { messageId: true } });
  const message = answer && (await db.outboxMessage.findUnique({ where: { id: answer.messageId }, select: { messageId: true, body: true, channel: true } }));
  if (!message || message.channel !== "voice") return null;
  const plivo = await import("plivo");
  // The SDK types Response as a plain function; it is a constructor.
  const response = new (plivo.Response as unknown as new () => { addSpeak(text: string, attributes: object): unknown; toXML(): string })();
  response.addSpeak(openBody(message.messageId, message.body).text, { language: "en-GB" });
  return response.toXML();
}

export type PlivoSignedRequest = { method: "GET" | "POST"; path: string; signature: string | null; nonce: string | null };

/**
 * Whether a request to the answer URL may be answered. Plivo signs each request it makes with the
 * auth token (X-Plivo-Signature-V3 over the URL it was given and a nonce); a request that carries
 * a signature is checked with the SDK's own validateV3Signature, against the address the portal
 * handed to Plivo (behind a proxy the request's own host is not that one). Without a signature,
 * a production portal using Plivo refuses: the token in the path stays unguessable either way,
 * the signature also proves the caller is Plivo.
 */
export async function plivoRequestAllowed(request: PlivoSignedRequest, settings: { authToken: string | null; production: boolean }): Promise<boolean> {
  if (!settings.authToken) return true;
  if (!request.signature || !request.nonce) return !settings.production;
  const url = new URL(request.path, getConfig().appUrl).toString();
  const plivo = await import("plivo");
  try {
    return Boolean(plivo.validateV3Signature(request.method, url, request.nonce, settings.authToken, request.signature));
  } catch {
    return false;
  }
}

/** Housekeeping: answer URLs past their time are useless. */
export async function pruneVoiceAnswers(now = new Date()): Promise<number> {
  const { count } = await getDb().voiceAnswer.deleteMany({ where: { expiresAt: { lt: now } } });
  return count;
}
