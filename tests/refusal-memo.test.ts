import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { challengeTokensIn, forgetRefusals, recallRefusal, rememberRefusal, replayRefusal } from "@/lib/refusal-memo.mjs";

const ANSWER = "http://portal.example/api/auth/error?error=locked%3A15";
const inAnHour = (now: number) => new Date(now + 3_600_000);

afterEach(() => forgetRefusals());

describe("refusal memo", () => {
  it("answers a refused challenge for one second at most, and never past the end of its lock", () => {
    const now = 1_000_000;
    rememberRefusal("challenge-a", ANSWER, inAnHour(now), now);
    expect(recallRefusal(["challenge-a"], now + 999)).toBe(ANSWER);
    expect(recallRefusal(["challenge-a"], now + 1000)).toBeNull();

    rememberRefusal("challenge-b", ANSWER, new Date(now + 300), now);
    expect(recallRefusal(["challenge-b"], now + 299)).toBe(ANSWER);
    expect(recallRefusal(["challenge-b"], now + 300)).toBeNull();

    // A lock that has already ended is not remembered at all.
    rememberRefusal("challenge-c", ANSWER, new Date(now), now);
    expect(recallRefusal(["challenge-c"], now)).toBeNull();
  });

  it("knows only the challenges it was told about, and forgets them all on an unlock", () => {
    const now = Date.now();
    rememberRefusal("challenge-a", ANSWER, inAnHour(now), now);
    expect(recallRefusal(["challenge-b", "", "challenge-a"], now)).toBe(ANSWER);
    expect(recallRefusal(["challenge-b"], now)).toBeNull();
    expect(recallRefusal([], now)).toBeNull();
    forgetRefusals();
    expect(recallRefusal(["challenge-a"], now)).toBeNull();
  });

  it("stays bounded when many challenges are refused at once, keeping the newest", () => {
    const now = Date.now();
    for (let i = 0; i <= 10_000; i++) rememberRefusal(`challenge-${i}`, ANSWER, inAnHour(now), now);
    expect(recallRefusal(["challenge-0"], now)).toBeNull();
    expect(recallRefusal(["challenge-1"], now)).toBe(ANSWER);
    expect(recallRefusal(["challenge-10000"], now)).toBe(ANSWER);
  });

  it("reads the challenge cookie under either of its names and nothing else", () => {
    expect(challengeTokensIn("a=1; clinic.challenge=tok-1; __Host-clinic.challenge=tok-2")).toEqual(["tok-1", "tok-2"]);
    expect(challengeTokensIn("xclinic.challenge=tok; clinic.challenges=tok; next-auth.csrf-token=tok")).toEqual([]);
    expect(challengeTokensIn(undefined)).toEqual([]);
    expect(challengeTokensIn("clinic.challenge")).toEqual([]);
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

  const post = (path: string, cookie: string, body: string) =>
    fetch(`${base}${path}`, { method: "POST", redirect: "manual", headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body });

  it("answers a remembered challenge's code post as NextAuth does: JSON for script, a redirect for the plain form", async () => {
    rememberRefusal("locked-token", ANSWER, inAnHour(Date.now()));
    const json = await post("/api/auth/callback/totp", "clinic.challenge=locked-token", "code=123456&csrfToken=x&json=true");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/json");
    expect(await json.json()).toEqual({ url: ANSWER });

    const form = await post("/api/auth/callback/totp?x=1", "clinic.challenge=locked-token", "code=123456&csrfToken=x");
    expect(form.status).toBe(302);
    expect(form.headers.get("location")).toBe(ANSWER);
  });

  it("leaves everything else to the app: other challenges, other paths, other methods, after a second", async () => {
    const now = Date.now();
    rememberRefusal("locked-token", ANSWER, inAnHour(now), now - 1000);
    rememberRefusal("fresh-token", ANSWER, inAnHour(now));
    const reached = async (response: Promise<Response>) => (await response).headers.get("x-reached") === "app";
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=locked-token", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=other-token", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "", "json=true"))).toBe(true);
    expect(await reached(post("/api/auth/signout", "clinic.challenge=fresh-token", "json=true"))).toBe(true);
    expect(await reached(fetch(`${base}/api/auth/callback/totp`, { headers: { cookie: "clinic.challenge=fresh-token" } }))).toBe(true);
    expect(await reached(post("/api/auth/callback/totp", "clinic.challenge=fresh-token", "json=true"))).toBe(false);
  });
});
