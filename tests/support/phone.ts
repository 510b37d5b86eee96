import { randomInt } from "node:crypto";
import { getDb } from "@/lib/db";
import { openBody } from "@/lib/messaging/outbox";

/** A UK mobile number no other test uses (07400 range: valid mobiles in the numbering plan). */
export function uniqueMobile(): { typed: string; e164: string } {
  const rest = String(randomInt(0, 1_000_000)).padStart(6, "0");
  // 7400–7449: every number in it is a mobile in the numbering plan (parts of 7457 are not).
  const prefix = String(7400 + randomInt(0, 50));
  return { typed: `0${prefix} ${rest}`, e164: `+44${prefix}${rest}` };
}

/** The newest text or call queued for a number, read the way only the server can (the body is sealed). */
export async function lastPhoneMessage(e164: string): Promise<{ channel: string; text: string; code: string }> {
  const row = await getDb().outboxMessage.findFirstOrThrow({
    where: { recipient: e164 },
    orderBy: { createdAt: "desc" },
    select: { channel: true, messageId: true, body: true },
  });
  const { text } = openBody(row.messageId, row.body);
  const digits = text.match(/\d(?:\. )?\d(?:\. )?\d(?:\. )?\d(?:\. )?\d(?:\. )?\d/)![0].replace(/\D/g, "");
  return { channel: row.channel, text, code: digits };
}
