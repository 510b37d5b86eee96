// Plain JavaScript (types in refusal-memo.d.mts): the server process loads it without a compiler.

/**
 * A locked account's code step gives the same answer whatever code is sent: the limits are read
 * before the code is (lib/second-factor.ts). So once the app has refused a challenge for an
 * account lock, the server process (scripts/serve-worker.mjs) answers that challenge's next posts
 * itself for a moment, without Next.js and NextAuth: someone hammering a locked account costs
 * a fraction of a millisecond a post instead of a full request.
 *
 * Only the process that refused remembers, and only for REPLAY_MS (never past the lock's end), so
 * an account unlocked elsewhere answers normally again within a second. Nothing is counted or
 * compared on a replay; every answer says "locked", as the app did. A challenge is remembered by
 * the cookie's name and value together, exactly as the app read it: a `clinic.challenge` cookie
 * planted beside the `__Host-` one the app reads over https never matches.
 */
const REPLAY_MS = 1000;
const MAX_ENTRIES = 10_000;
const CODE_STEP_PATH = "/api/auth/callback/totp";

/** The challenge cookie's names (lib/challenge-cookie.ts): `__Host-` pins it to the host over https. */
export const CHALLENGE_COOKIE = "clinic.challenge";
export const SECURE_CHALLENGE_COOKIE = "__Host-clinic.challenge";

/** Shared through globalThis: Next.js bundles its own copy of this module beside the server's. */
const KEY = Symbol.for("clinic.refusal-memo");
/** @type {Map<string, { answer: string; until: number }>} "name=value" of a challenge cookie → NextAuth's redirect URL */
const memo = (globalThis[KEY] ??= new Map());

/**
 * The app refused the challenge in this cookie because its account is locked until `lockedUntil`;
 * `answer` is where NextAuth sent the browser.
 */
export function rememberRefusal(cookieName, challengeToken, answer, lockedUntil, now = Date.now()) {
  if (!challengeToken || !answer) return;
  const until = Math.min(lockedUntil.getTime(), now + REPLAY_MS);
  if (until <= now) return;
  const key = `${cookieName}=${challengeToken}`;
  if (memo.size >= MAX_ENTRIES) {
    for (const [stale, entry] of memo) if (entry.until <= now) memo.delete(stale);
    // Still full: the oldest entry goes (a Map keeps insertion order).
    if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value);
  }
  memo.delete(key);
  memo.set(key, { answer, until });
}

/** Every remembered refusal is dropped (an unlock in this process). */
export function forgetRefusals() {
  memo.clear();
}

/**
 * The remembered answer for the challenge cookie in this Cookie header, or null. A header with no
 * challenge cookie, or with more than one, is left to the app.
 */
export function recallRefusal(cookieHeader, now = Date.now()) {
  let found = null;
  for (const part of String(cookieHeader ?? "").split(";")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, eq).trim();
    if (eq <= 0 || (name !== CHALLENGE_COOKIE && name !== SECURE_CHALLENGE_COOKIE)) continue;
    if (found !== null) return null;
    found = `${name}=${part.slice(eq + 1).trim()}`;
  }
  const entry = found === null ? undefined : memo.get(found);
  if (!entry) return null;
  if (entry.until > now) return entry.answer;
  memo.delete(found);
  return null;
}

/**
 * The server's side: a code post for a remembered challenge is answered here as NextAuth answers
 * a refused credentials post (401 with `{ url }` for next-auth/react, which asks with `json=true`;
 * a 302 for the plain form); anything else is left to Next.js. Both clients post a urlencoded form.
 */
export function replayRefusal(req, res) {
  if (req.method !== "POST" || memo.size === 0 || (req.url ?? "").split("?")[0] !== CODE_STEP_PATH) return false;
  if (!String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) return false;
  const answer = recallRefusal(req.headers.cookie);
  if (!answer) return false;
  // The request guard has already refused bodies over 64 KiB and bodies of unknown size.
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const json = new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("json") === "true";
    if (json) {
      const body = JSON.stringify({ url: answer });
      res.writeHead(401, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
      res.end(body);
    } else {
      res.writeHead(302, { Location: answer, "Content-Length": 0, "Cache-Control": "no-store" });
      res.end();
    }
  });
  return true;
}
