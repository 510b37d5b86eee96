import { describe, expect, it } from "vitest";
import { createSession, endSession, endSessionsOf, findActiveSession, hasFreshStepUp, markStepUp, STEP_UP_SECONDS } from "@/lib/sessions";
import { getDb } from "@/lib/db";
import { newPatient } from "./support/users";

describe("sessions end on the server", () => {
  it("ends one session on sign-out, and the cookie that named it stops working", async () => {
    const user = await newPatient();
    const sid = await createSession({ userId: user.id, method: "totp", ip: "192.0.2.1", userAgent: "test" });
    expect(await findActiveSession(sid)).toMatchObject({ userId: user.id, method: "totp" });
    await endSession(sid, "signed-out");
    expect(await findActiveSession(sid)).toBeNull();
  });

  it("ends every other session of the account and keeps the current one", async () => {
    const user = await newPatient();
    const other = await newPatient();
    const current = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const laptop = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const phone = await createSession({ userId: user.id, method: "recovery-code", ip: null, userAgent: null });
    const someoneElse = await createSession({ userId: other.id, method: "totp", ip: null, userAgent: null });

    expect(await endSessionsOf(user.id, current, "password-changed")).toBe(2);
    expect(await findActiveSession(current)).not.toBeNull();
    expect(await findActiveSession(laptop)).toBeNull();
    expect(await findActiveSession(phone)).toBeNull();
    expect(await findActiveSession(someoneElse)).not.toBeNull();
    const ended = await getDb().userSession.findUniqueOrThrow({ where: { id: laptop } });
    expect(ended.endReason).toBe("password-changed");
  });

  it("ignores made-up and oversized session ids", async () => {
    expect(await findActiveSession("made-up")).toBeNull();
    expect(await findActiveSession("x".repeat(1000))).toBeNull();
  });
});

describe("step-up freshness", () => {
  it("counts sign-in as a step-up for a few minutes, then asks again", async () => {
    const user = await newPatient();
    const sid = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const session = (await findActiveSession(sid))!;
    const start = session.stepUpAt.getTime();
    expect(hasFreshStepUp(session, start + 1_000)).toBe(true);
    expect(hasFreshStepUp(session, start + STEP_UP_SECONDS * 1000 + 1)).toBe(false);

    await getDb().userSession.update({ where: { id: sid }, data: { stepUpAt: new Date(start - 3600_000) } });
    expect(hasFreshStepUp((await findActiveSession(sid))!)).toBe(false);
    await markStepUp(sid);
    expect(hasFreshStepUp((await findActiveSession(sid))!)).toBe(true);
  });
});
