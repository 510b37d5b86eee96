/**
 * A second portal instance for tests: its own process, its own database connections, the same
 * DATABASE_URL. tests/support/instances.ts starts it and calls lib/ functions in it by name.
 */
import { consumeChallenge, createChallenge, findChallenge } from "@/lib/challenge";
import { createEmailChannel } from "@/lib/messaging/email";
import { deliverDue } from "@/lib/messaging/worker";
import { resetPasswordWithToken } from "@/lib/password-reset";
import { consumeLimit } from "@/lib/rate-limit";
import { useRecoveryCode } from "@/lib/recovery-codes";
import { confirmEmail, requestSignUp } from "@/lib/sign-up";
import { passSecondFactor } from "@/lib/second-factor";
import { endSession, findActiveSession } from "@/lib/sessions";
import { verifyTotpForUser } from "@/lib/two-factor";

/** The outbox worker's pass, mailing through the SMTP server at `url` (a channel cannot cross processes). */
const deliverDueOver = (url: string, onlyTo: string[]) =>
  deliverDue({ channels: { email: createEmailChannel({ transport: { kind: "smtp", url }, from: "portal@clinic.test", contact: "" }) }, onlyTo, batch: 100 });

export const calls = {
  deliverDueOver,
  confirmEmail, requestSignUp,
  resetPasswordWithToken, consumeChallenge, createChallenge, findChallenge, consumeLimit, useRecoveryCode, passSecondFactor, endSession, findActiveSession, verifyTotpForUser };
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
