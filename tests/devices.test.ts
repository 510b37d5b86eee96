import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db";
import { createSession, endSessionOf, findActiveSession, listOpenSessions, touchSession } from "@/lib/sessions";
import { describeUserAgent } from "@/lib/user-agent";
import { newPatient } from "./support/users";

describe("signed-in devices", () => {
  it("lists only the patient's own open sessions, newest first, with address and browser", async () => {
    const user = await newPatient();
    const other = await newPatient();
    const laptop = await createSession({ userId: user.id, method: "totp", ip: "192.0.2.7", userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36" });
    const phone = await createSession({ userId: user.id, method: "totp", ip: "198.51.100.3", userAgent: null });
    await createSession({ userId: other.id, method: "totp", ip: null, userAgent: null });
    const ended = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    await endSessionOf(user.id, ended, "signed-out-remotely");

    const open = await listOpenSessions(user.id);
    expect(open.map((s) => s.id).sort()).toEqual([laptop, phone].sort());
    expect(open.find((s) => s.id === laptop)).toMatchObject({ ip: "192.0.2.7" });
    // Never seen since sign-in: "last seen" is the sign-in itself.
    expect(open[0]!.lastSeenAt.getTime()).toBe(open[0]!.createdAt.getTime());
  });

  it("refuses to end another patient's session named in a form", async () => {
    const user = await newPatient();
    const victim = await newPatient();
    const theirs = await createSession({ userId: victim.id, method: "totp", ip: null, userAgent: null });
    expect(await endSessionOf(user.id, theirs, "signed-out-remotely")).toBe(false);
    expect(await findActiveSession(theirs)).not.toBeNull();
    expect(await endSessionOf(victim.id, theirs, "signed-out-remotely")).toBe(true);
    expect(await findActiveSession(theirs)).toBeNull();
    expect(await endSessionOf(victim.id, "x".repeat(65), "signed-out-remotely")).toBe(false);
  });

  it("writes last seen at most once a minute", async () => {
    const user = await newPatient();
    const sid = await createSession({ userId: user.id, method: "totp", ip: null, userAgent: null });
    const t0 = new Date(Date.now() + 5_000);
    await touchSession(sid, t0);
    await touchSession(sid, new Date(t0.getTime() + 30_000));
    const row = () => getDb().userSession.findUniqueOrThrow({ where: { id: sid } });
    expect((await row()).lastSeenAt?.getTime()).toBe(t0.getTime());
    await touchSession(sid, new Date(t0.getTime() + 61_000));
    expect((await row()).lastSeenAt?.getTime()).toBe(t0.getTime() + 61_000);
  });
});

describe("browser and operating system from the User-Agent", () => {
  it.each([
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox on Mac"],
    ["Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"],
    ["Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0 Mobile/15E148 Safari/604.1", "Chrome on iPad"],
    ["curl/8.5.0", "A program"],
    [null, "Unknown device"],
  ])("%s → %s", (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });
});
