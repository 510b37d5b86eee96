// Plain JavaScript (types in refusal-memo.d.mts): the server process loads it without a compiler.

/**
 * A locked account's code step gives the same answer whatever code is sent: the limits are read
 * before the code is (lib/second-factor.ts). So once the app has refused a challenge for an
 * account lock, the server process (scripts/serve-worker.mjs) answers that challenge's next posts
 * itself for a moment, without Next.js and NextAuth: someone hammering a locked account costs
 * a fraction of a millisecond a post instead of a full request.
 *
 * Only the process that refused remembers, and only for REPLAY_MS (never past the lock's end), so
 * an account unlocked by an admin on another process answers normally again within a second.
 * Nothing is counted or compared on a replay; every answer says "locked", as the app did.
 */
const REPLAY_MS = 1000;
const MAX_ENTRIES = 10_000;
const CODE_STEP_PATH = "/api/auth/callback/totp";

/** The challenge cookie's names (lib/challenge-cookie.ts): `__Host-` pins it to the host over https. */
export const CHALLENGE_COOKIE = "clinic.challenge";
export const SECURE_CHALLENGE_COOKIE = "__Host-clinic.challenge";

/** Shared through globalThis: Next.js bundles its own copy of this module beside the server's. */
const KEY = Symbol.for("clinic.refusal-memo");
/** @type {Map<string, { answer: string; until: number }>} challenge token → NextAuth's redirect URL */
const memo = (globalThis[KEY] ??= new Map());

/** The app refused this challenge because its account is locked until `lockedUntil`; `answer` is NextAuth's redirect. */
export function rememberRefusal(challengeToken, answer, lockedUntil, now = Date.now()) {
  if (!challengeToken || !answer) return;
  const until = Math.min(lockedUntil.getTime(), now + REPLAY_MS);
  if (until <= now) return;
  if (memo.size >= MAX_ENTRIES) {
    for (const [token, entry] of memo) if (entry.until <= now) memo.delete(token);
    // Still full: the oldest entry goes (a Map keeps insertion order).
    if (memo.size >= MAX_ENTRIES) memo.delete(memo.keys().next().value);
  }
  memo.delete(challengeToken);
  memo.set(challengeToken, { answer, until });
}

/** Every remembered refusal is dropped (an unlock in this process, tests). */
export function forgetRefusals() {
  memo.clear();
}

/** The remembered answer for one of these challenge tokens, or null. */
export function recallRefusal(challengeTokens, now = Date.now()) {
  for (const token of challengeTokens) {
    const entry = memo.get(token);
    if (!entry) continue;
    if (entry.until > now) return entry.answer;
    memo.delete(token);
  }
  return null;
}

/** Values of the challenge cookie (under either name) in a Cookie header. */
export function challengeTokensIn(cookieHeader) {
  const tokens = [];
  for (const part of String(cookieHeader ?? "").split(";")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, eq).trim();
    if (eq > 0 && (name === CHALLENGE_COOKIE || name === SECURE_CHALLENGE_COOKIE)) tokens.push(part.slice(eq + 1).trim());
  }
  return tokens;
}

/**
 * The server's side: a code post for a remembered challenge is answered here as NextAuth would
 * (JSON for next-auth/react, a redirect for the plain form); anything else is left to Next.js.
 */
export function replayRefusal(req, res) {
  if (req.method !== "POST" || memo.size === 0 || (req.url ?? "").split("?")[0] !== CODE_STEP_PATH) return false;
  const answer = recallRefusal(challengeTokensIn(req.headers.cookie));
  if (!answer) return false;
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size <= 64 * 1024) chunks.push(chunk);
  });
  req.on("end", () => {
    const json = new URLSearchParams(Buffer.concat(chunks).toString("utf8")).get("json") === "true";
    if (json) {
      const body = JSON.stringify({ url: answer });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
      res.end(body);
    } else {
      res.writeHead(302, { Location: answer, "Content-Length": 0, "Cache-Control": "no-store" });
      res.end();
    }
  });
  return true;
}
