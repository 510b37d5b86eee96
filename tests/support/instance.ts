/**
 * A second portal instance for tests: its own process, its own database connections, the same
 * DATABASE_URL. tests/support/instances.ts starts it and calls lib/ functions in it by name.
 */
import { consumeChallenge, createChallenge, findChallenge } from "@/lib/challenge";
import { consumeLimit } from "@/lib/rate-limit";
import { useRecoveryCode } from "@/lib/recovery-codes";
import { passSecondFactor } from "@/lib/second-factor";
import { endSession, findActiveSession } from "@/lib/sessions";
import { verifyTotpForUser } from "@/lib/two-factor";

export const calls = { consumeChallenge, createChallenge, findChallenge, consumeLimit, useRecoveryCode, passSecondFactor, endSession, findActiveSession, verifyTotpForUser };
export type Calls = typeof calls;

type Request = { id: number; name: keyof Calls; args: unknown[] };

if (process.send) {
  process.on("message", async ({ id, name, args }: Request) => {
    try {
      const value = await (calls[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      process.send!({ id, value });
    } catch (error) {
      process.send!({ id, error: (error as Error).message });
    }
  });
  process.send({ ready: true });
}
