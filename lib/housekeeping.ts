import "server-only";
import { pruneExpiredChallenges } from "./challenge";
import { getDb } from "./db";
import { pruneExpiredPhoneCodes } from "./factors/phone/codes";
import { pruneVoiceAnswers } from "./messaging/plivo";
import { logError } from "./log";
import { pruneRateLimits } from "./rate-limit";

const EVERY_MS = 10 * 60 * 1000;

/** Deletes what no request needs any more. Safe to run from every server process at once. */
export async function runHousekeeping(now = new Date()): Promise<{ rateLimits: number; challenges: number; setupKeys: number; phoneCodes: number; voiceAnswers: number }> {
  return {
    rateLimits: await pruneRateLimits(now),
    challenges: await pruneExpiredChallenges(now),
    // Setup keys nobody confirmed in time (their challenge or session is gone or expired too).
    setupKeys: (await getDb().enrollmentKey.deleteMany({ where: { expiresAt: { lt: now } } })).count,
    phoneCodes: await pruneExpiredPhoneCodes(now),
    voiceAnswers: await pruneVoiceAnswers(now),
  };
}

/**
 * Started once per server process (instrumentation-node.ts), so pruning never sits on a
 * request's path. The first run waits a random minute, so several processes started together
 * do not all prune at the same moment; the timer never keeps a process alive.
 */
export function startHousekeeping(): void {
  const run = () =>
    runHousekeeping().catch((error: unknown) => {
      logError("housekeeping", "failed:", error instanceof Error ? error.name : "unknown error");
    });
  setTimeout(() => {
    void run();
    setInterval(run, EVERY_MS).unref();
  }, Math.random() * 60_000).unref();
}
