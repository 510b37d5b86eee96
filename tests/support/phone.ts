import { getDb } from "@/lib/db";
import { openBody } from "@/lib/messaging/outbox";

export { uniqueMobile } from "./mobile";

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
