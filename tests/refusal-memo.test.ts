import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHALLENGE_COOKIE, SECURE_CHALLENGE_COOKIE, forgetRefusals, recallRefusal, rememberRefusal, replayRefusal } from "@/lib/refusal-memo.mjs";

const ANSWER = "http://portal.example/api/auth/error?error=locked%3A15";
const inAnHour = (now: number) => new Date(now + 3_600_000);

afterEach(() => forgetRefusals());

describe("refusal memo", () => {
  it("answers a refused challenge for one second at most, and never past the end of its lock", () => {
    const now = 1_000_000;
    rememberRefusal(CHALLENGE_COOKIE, "challenge-a", ANSWER, inAnHour(now), now);
    expect(recallRefusal("clinic.challenge=challenge-a", now + 999)).toBe(ANSWER);
    expect(recallRefusal("clinic.challenge=challenge-a", now + 1000)).toBeNull();

    rememberRefusal(CHALLENGE_COOKIE, "challenge-b", ANSWER, new Date(now + 300), now);
    expect(recallRefusal("clinic.challenge=challenge-b", now + 299)).toBe(ANSWER);
    expect(recallRefusal("clinic.challenge=challenge-b", now + 300)).toBeNull();

    // A lock that has already ended is not remembered at all.
    rememberRefusal(CHALLENGE_COOKIE, "challenge-c", ANSWER, new Date(now), now);
    expect(recallRefusal("clinic.challenge=challenge-c", now)).toBeNull();
  });

  it("knows only the challenge cookie it was told about, under the name the app read it by", () => {
    const now = Date.now();
    rememberRefusal(SECURE_CHALLENGE_COOKIE, "challenge-a", ANSWER, inAnHour(now), now);
    expect(recallRefusal("next-auth.csrf-token=x; __Host-clinic.challenge=challenge-a; theme=dark", now)).toBe(ANSWER);
    expect(recallRefusal("__Host-clinic.challenge=challenge-b", now)).toBeNull();
    // The same value planted under the name the app does not read over https (no __Host- prefix).
    expect(recallRefusal("clinic.challenge=challenge-a", now)).toBeNull();
    expect(recallRefusal("xclinic.challenge=challenge-a; __Host-clinic.challenges=challenge-a", now)).toBeNull();
    // Two challenge cookies at once (one of them planted): the app decides which it reads.
    expect(recallRefusal("clinic.challenge=other; __Host-clinic.challenge=challenge-a", now)).toBeNull();
    expect(recallRefusal("__Host-clinic.challenge=challenge-a; __Host-clinic.challenge=challenge-a", now)).toBeNull();
    expect(recallRefusal(undefined, now)).toBeNull();
    expect(recallRefusal("", now)).toBeNull();
    forgetRefusals();
    expect(recallRefusal("__Host-clinic.challenge=challenge-a", now)).toBeNull();
  });

  it("stays bounded when many challenges are refused at once, keeping the newest", () => {
    const now = Date.now();
    for (let i = 0; i <= 10_000; i++) rememberRefusal(CHALLENGE_COOKIE, `challenge-${i}`, ANSWER, inAnHour(now), now);
    expect(recallRefusal("clinic.challenge=challenge-0", now)).toBeNull();
    expect(recallRefusal("clinic.challenge=challenge-1", now)).toBe(ANSWER);
    expect(recallRefusal("clinic.challenge=challenge-10000", now)).toBe(ANSWER);
  });
});

describe("the server's replay of a refusal", () => {
  let server: http.Server;
  let base = "";
  beforeAll(async () => {
    // As scripts/serve-worker.mjs uses it: anything not replayed goes on to the app.
    server = http.createServer((req, res) => {
      if (replayRefusal(req, res)) return;
      res.writeHead(204, { "x-reached": "app" });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const form = "application/x-www-form-urlencoded";
  const post = (path: string, cookie: string, body: string, type = form) =>
    fetch(`${base}${path}`, { method: "POST", redirect: "manual", headers: { cookie, "content-type": type }, body });

  it("answers a remembered challenge's code post as NextAuth answers a refusal: 401 JSON for script, a redirect for the plain form", async () => {
    rememberRefusal(CHALLENGE_COOKIE, "locked-token", ANSWER, inAnHour(Date.now()));
    const json = await post("/api/auth/callback/totp", "clinic.challenge=locked-token", "code=123456&csrfToken=x&json=true");
    expect(json.status).toBe(401);
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.json()).toEqual({ url: ANSWER });

    const plain = await post("/api/auth/callback/totp?x=1", "clinic.challenge=locked-token", "code=123456&csrfToken=x", `${form}; charset=UTF-8`);
    expect(plain.status).toBe(302);
    expect(plain.headers.get("location")).toBe(ANSWER);
  });

  it("leaves everything else to the app: other challenges, paths, methods, bodies, and any challenge after a second", async () => {
    const now = Date.now();
    rememberRefusal(CHALLENGE_COOKIE, "old-token", ANSWER, inAnHour(now), now - 1000);
    rememberRefusal(CHALLENGE_COOKIE, "fresh-token", ANSWER, inAnHour(now));
    const reached = async (response: Promise<Response>) => (await response).headers.get("x-reached") === "app";
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=old-token", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=other-token", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/signout", "clinic.challenge=fresh-token", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=fresh-token", '{"json":"true"}', "application/json"))).toBe(true);
    expect(await reached(fetch(`${base}/api/auth/callback/totp`, { headers: { cookie: "clinic.challenge=fresh-token" } }))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=fresh-token", "json=true"))).toBe(false);
  });
});
