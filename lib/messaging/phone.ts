import "server-only";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PhoneConfig } from "../config-schema";
import type { Channel, OutgoingMessage } from "./channel";
import { createPlivoChannels, type PlivoEndpoints } from "./plivo";
import { createTwilioChannels } from "./twilio";

/** How a number appears in logs and on screen: its last two digits only. */
export function lastDigits(e164: string): string {
  return e164.slice(-2);
}

/**
 * Texts and calls with SMS_PROVIDER=outbox: each message becomes a file in `.outbox/` (what the
 * patient would read, or hear) and one console line naming the file, so a fresh clone works with
 * no provider account. The console line never holds the code or the whole number.
 */
function folderChannel(name: "sms" | "voice", dir: string): Channel {
  return {
    name,
    async send(message: OutgoingMessage) {
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${message.id}.${name}.txt`);
      await writeFile(file, `To: ${message.recipient}\nChannel: ${name}\n\n${message.text}\n`, { mode: 0o600 });
      console.log(`[${name}] ${message.subject} → phone ending ${lastDigits(message.recipient)}: ${file}`);
    },
  };
}

/** The channels for SMS_PROVIDER; `endpoints` point a real SDK at a local server (tests only). */
export function createPhoneChannels(phone: PhoneConfig, endpoints: { twilioBaseUrl?: string } & PlivoEndpoints = {}): { sms: Channel; voice: Channel } {
  const provider = phone.provider;
  if (provider.kind === "twilio") return createTwilioChannels(provider, endpoints.twilioBaseUrl);
  if (provider.kind === "plivo") return createPlivoChannels(provider, endpoints);
  return { sms: folderChannel("sms", ".outbox"), voice: folderChannel("voice", ".outbox") };
}
