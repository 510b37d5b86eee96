import "server-only";
import { randomUUID } from "node:crypto";
import { getConfig } from "../config";
import { getDb } from "../db";
import { PermanentDeliveryError, type Channel, type ChannelName } from "./channel";
import { createEmailChannel } from "./email";
import { openBody } from "./outbox";

/** After this many attempts a message is marked failed (about 2 hours of retries with the back-off below). */
export const MAX_ATTEMPTS = 8;
/** A claim outlives every SMTP timeout; after it a crashed worker's message is taken up again (OUTBOX_LEASE_SECONDS). */
export const LEASE_MS = 2 * 60_000;
const POLL_MS = 2_000;
const BATCH = 20;

/** 30 s, 1, 2, 4 … minutes, at most an hour, with up to 10% jitter so instances do not retry in step. */
export function backoffMs(attempts: number, random = Math.random()): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
  return Math.round(base * (1 + random * 0.1));
}

export type DeliveryOptions = {
  channels: Partial<Record<ChannelName, Channel>>;
  now?: () => Date;
  leaseMs?: number;
  batch?: number;
  /** Only messages to these recipients (tests that share one database with others running at the same time). */
  onlyTo?: string[];
};
export type DeliveryReport = { claimed: number; sent: number; retrying: number; failed: number };

/**
 * One pass over the due messages: claim, send, record. A message is due when it is queued and its
 * next attempt has come, or when a worker claimed it and its lease ran out (that worker died
 * mid-send). Claiming is one conditional UPDATE, so of several workers sharing the database
 * exactly one gets each message; the claim token keeps a late worker from overwriting the result.
 */
export async function deliverDue(options: DeliveryOptions): Promise<DeliveryReport> {
  const db = getDb();
  const now = options.now ?? (() => new Date());
  const leaseMs = options.leaseMs ?? LEASE_MS;
  const report: DeliveryReport = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  const start = now();
  const due = await db.outboxMessage.findMany({
    where: {
      OR: [
        { status: "queued", nextAttemptAt: { lte: start } },
        { status: "sending", claimedUntil: { lt: start } },
      ],
      ...(options.onlyTo ? { recipient: { in: options.onlyTo } } : {}),
    },
    orderBy: { nextAttemptAt: "asc" },
    take: options.batch ?? BATCH,
    select: { id: true, status: true, claimToken: true, attempts: true, channel: true, recipient: true, subject: true, body: true, messageId: true, kind: true },
  });

  for (const row of due) {
    const claimToken = randomUUID();
    const claimedAt = now();
    const { count } = await db.outboxMessage.updateMany({
      where: {
        id: row.id,
        status: row.status,
        claimToken: row.claimToken,
        ...(row.status === "queued" ? { nextAttemptAt: { lte: claimedAt } } : { claimedUntil: { lt: claimedAt } }),
      },
      data: { status: "sending", claimToken, claimedUntil: new Date(claimedAt.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    if (count !== 1) continue;
    report.claimed++;
    const attempts = row.attempts + 1;
    const mine = { id: row.id, claimToken };

    let error: Error | null = null;
    try {
      const channel = options.channels[row.channel as ChannelName];
      if (!channel) throw new PermanentDeliveryError(`no "${row.channel}" channel is configured`);
      const { text, html } = openBody(row.messageId, row.body);
      await channel.send({ id: row.id, messageId: row.messageId, recipient: row.recipient, subject: row.subject, text, html });
    } catch (caught) {
      error = caught instanceof Error ? caught : new Error(String(caught));
    }

    if (!error) {
      await db.outboxMessage.updateMany({
        where: mine,
        data: { status: "sent", sentAt: now(), claimToken: null, claimedUntil: null, lastError: null },
      });
      report.sent++;
      continue;
    }
    const reason = `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.slice(0, 300);
    const giveUp = error instanceof PermanentDeliveryError || attempts >= MAX_ATTEMPTS;
    const retryAt = new Date(now().getTime() + backoffMs(attempts));
    await db.outboxMessage.updateMany({
      where: mine,
      data: giveUp
        ? { status: "failed", claimToken: null, claimedUntil: null, lastError: reason }
        : { status: "queued", nextAttemptAt: retryAt, claimToken: null, claimedUntil: null, lastError: reason },
    });
    // The id, kind and cause only: the body may hold a link that works as a password.
    console.warn(
      `[outbox] ${row.kind} message ${row.id} attempt ${attempts} failed (${reason})${giveUp ? "; giving up" : `; next try ${retryAt.toISOString()}`}`,
    );
    if (giveUp) report.failed++;
    else report.retrying++;
  }
  return report;
}

type WorkerState = { timer?: NodeJS.Timeout; running: boolean; again: boolean; channels?: DeliveryOptions["channels"] };
// One worker per process, whichever bundle (instrumentation, route, action) reaches it first.
const state = ((globalThis as unknown as { clinicOutbox?: WorkerState }).clinicOutbox ??= { running: false, again: false });

function configuredChannels(): DeliveryOptions["channels"] {
  state.channels ??= { email: createEmailChannel(getConfig().mail) };
  return state.channels;
}

async function tick(): Promise<void> {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  try {
    do {
      state.again = false;
      const report = await deliverDue({ channels: configuredChannels(), leaseMs: getConfig().outboxLeaseSeconds * 1000 });
      // A full batch means more may be waiting; otherwise the next poll (or a wake-up) comes soon enough.
      if (report.claimed >= BATCH) state.again = true;
    } while (state.again);
  } catch (error) {
    console.error(`[outbox] delivery pass failed: ${error instanceof Error ? error.name : "unknown error"}`);
  } finally {
    state.running = false;
  }
}

/** Started once per server process (instrumentation-node.ts): polls for due messages. */
export function startDeliveryWorker(): void {
  if (state.timer) return;
  state.timer = setInterval(() => void tick(), POLL_MS);
  state.timer.unref();
  void tick();
}

/** After writing a message in this process: send it now rather than at the next poll. */
export function wakeDeliveryWorker(): void {
  if (state.timer) setImmediate(() => void tick());
}
