import "server-only";
import type Twilio from "twilio";
import { PermanentDeliveryError, type Channel } from "./channel";

export type TwilioSettings = { accountSid: string; authToken: string; from: string };

type TwilioError = Error & { status?: number; code?: number };

/**
 * The status and Twilio's error number name the cause; Twilio's message may repeat the recipient,
 * so it is left out. A 4xx other than 429 (a bad number, an unverified sender) fails for good.
 */
function describe(error: unknown): Error {
  const { status, code } = (error ?? {}) as TwilioError;
  const text = `Twilio ${status ?? "network error"}${code ? ` (error ${code})` : ""}`;
  return status && status >= 400 && status < 500 && status !== 429 ? new PermanentDeliveryError(text) : new Error(text);
}

/**
 * Texts with Messages.create and calls with Calls.create carrying TwiML <Say>, through the
 * official SDK. `baseUrl` points the SDK's api.twilio.com at another host (tests only).
 */
export function createTwilioChannels(settings: TwilioSettings, baseUrl?: string): { sms: Channel; voice: Channel } {
  // The SDK is large: loaded at the first message, not by every process that imports the outbox (the console).
  let loaded: Promise<{ twilio: typeof Twilio; client: ReturnType<typeof Twilio> }> | undefined;
  const sdk = () =>
    (loaded ??= import("twilio").then(({ default: twilio }) => {
      const client = twilio(settings.accountSid, settings.authToken, { autoRetry: false });
      if (baseUrl) client.api.baseUrl = baseUrl;
      return { twilio, client };
    }));
  return {
    sms: {
      name: "sms",
      async send(message) {
        const { client } = await sdk();
        await client.messages.create({ to: message.recipient, from: settings.from, body: message.text }).catch((error: unknown) => {
          throw describe(error);
        });
      },
    },
    voice: {
      name: "voice",
      async send(message) {
        const { twilio, client } = await sdk();
        const response = new twilio.twiml.VoiceResponse();
        response.say({ language: "en-GB" }, message.text);
        await client.calls.create({ to: message.recipient, from: settings.from, twiml: response.toString() }).catch((error: unknown) => {
          throw describe(error);
        });
      },
    },
  };
}
