import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createChallenge, consumeChallenge, findChallenge } from "@/lib/challenge";
import { getDb } from "@/lib/db";
import { passPasswordStep } from "@/lib/password-step";
import { consumeLimit, policies } from "@/lib/rate-limit";
import { passSecondFactor } from "@/lib/second-factor";
import { createSession } from "@/lib/sessions";
import { generateSync } from "otplib";
import { getConfig } from "@/lib/config";
import { encryptSecret } from "@/lib/crypto";
import { hashPassword } from "@/lib/password";
import { createTotpSecret } from "@/lib/totp";
import { secretContext } from "@/lib/two-factor";
import { registerPatient } from "@/lib/users";

// A clinic's Wi-Fi or a reception kiosk: many patients behind one address, all at once, with the
// per-address budgets set far above the burst. Nobody may be refused for arriving together.
process.env.IP_ATTEMPTS_PER_15_MIN = "100000";
process.env.SIGNUPS_PER_IP_PER_HOUR = "100000";

const BURST = 200;
const PASSWORD = "waiting room wifi";
const sharedAddress = () => `192.0.2.${Math.floor(Math.random() * 250)}-${randomUUID()}`;

/** What the sign-up action does once the form has parsed: count the attempt, create the account. */
async function signUp(ip: string) {
  const attempt = await consumeLimit(policies().ipSignUp, ip);
  if (!attempt.ok) return { refused: true as const };
  const result = await registerPatient({ email: `burst-${randomUUID()}@example.test`, password: PASSWORD, name: null });
  if (!result.ok) throw new Error("email taken");
  return { refused: false as const, user: result.user };
}

/** Password step, challenge, code step, session: what the sign-in form and NextAuth's callback do. */
async function signIn(email: string, secret: string, ip: string) {
  const password = await passPasswordStep(email, PASSWORD, ip);
  if (!password.ok) return { refused: "password" as const, message: password.message };
  const { token } = await createChallenge(password.account.id, "sign-in");
  const challenge = await findChallenge(token);
  const code = generateSync({ secret });
  const second = await passSecondFactor({ userId: challenge!.userId, purpose: "sign-in", code, ip });
  if (!second.ok) return { refused: "code" as const, message: second.message };
  if (!(await consumeChallenge(token))) return { refused: "challenge" as const };
  const sid = await createSession({ userId: challenge!.userId, method: second.method, ip, userAgent: "burst" });
  return { refused: null, sid };
}

describe("a burst of patients behind one address, within its budgets", () => {
  it(`signs up ${BURST} at once with no refusal and every account stored`, { timeout: 90_000 }, async () => {
    const ip = sharedAddress();
    const results = await Promise.allSettled(Array.from({ length: BURST }, () => signUp(ip)));
    const errors = results.filter((r) => r.status === "rejected");
    const refused = results.filter((r) => r.status === "fulfilled" && r.value.refused);
    expect({ errors: errors.length, refused: refused.length }).toEqual({ errors: 0, refused: 0 });
    const ids = results.flatMap((r) => (r.status === "fulfilled" && !r.value.refused ? [r.value.user.id] : []));
    expect(await getDb().user.count({ where: { id: { in: ids } } })).toBe(BURST);
  });

  it(`signs in ${BURST} at once with no refusal and every session stored`, { timeout: 90_000 }, async () => {
    // Enrolled accounts made directly (one password hash for all): the burst is what is tested.
    const passwordHash = await hashPassword(PASSWORD);
    const accounts = Array.from({ length: BURST }, () => ({ id: randomUUID(), email: `burst-${randomUUID()}@example.test`, secret: createTotpSecret() }));
    await getDb().user.createMany({
      data: accounts.map(({ id, email, secret }) => ({
        id,
        email,
        passwordHash,
        enrolledAt: new Date(),
        totpSecret: encryptSecret(secret, getConfig().encryptionKey, secretContext.active(id)),
      })),
    });
    const ip = sharedAddress();
    const results = await Promise.allSettled(accounts.map(({ email, secret }) => signIn(email, secret, ip)));
    const errors = results.filter((r) => r.status === "rejected");
    const refused = results.filter((r) => r.status === "fulfilled" && r.value.refused);
    expect({ errors: errors.length, refused: refused.length }).toEqual({ errors: 0, refused: 0 });
    const sids = results.flatMap((r) => (r.status === "fulfilled" && r.value.sid ? [r.value.sid] : []));
    expect(await getDb().userSession.count({ where: { id: { in: sids }, endedAt: null } })).toBe(BURST);
  });
});
