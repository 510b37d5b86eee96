import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth";
import { challengeCookieName } from "@/lib/challenge-cookie";
import { rememberRefusal } from "@/lib/refusal-memo.mjs";

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * The NextAuth endpoints this portal uses, and nothing else: the code step posts to the "totp"
 * callback, next-auth/react reads csrf, providers and session, and NextAuth redirects through
 * signin and error. Anything else (its `_log` endpoint, which would let anyone write to the server
 * log; a GET on the callback, which NextAuth answers with an error) gets a plain 404.
 */
const ALLOWED: Record<string, readonly string[]> = {
  GET: ["csrf", "providers", "session", "signin", "error"],
  POST: ["callback/totp", "signout"],
};

function notFound() {
  return new Response("Not found. Please go back to the sign-in page and start again.", {
    status: 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

async function handler(request: Request, context: Context) {
  const { nextauth } = await context.params;
  if (!ALLOWED[request.method]?.includes(nextauth.join("/"))) return notFound();
  const locked: { token?: string; until?: Date } = {};
  const response: Response = await NextAuth(request as never, context as never, getAuthOptions({ accountLocked: (token, until) => Object.assign(locked, { token, until }) }));
  // The server answers this challenge's next posts itself while the lock lasts (lib/refusal-memo.mjs).
  if (locked.token && locked.until) rememberRefusal(challengeCookieName(), locked.token, await redirectOf(response), locked.until);
  return response;
}

/** Where NextAuth sends the browser: a Location header, or the JSON next-auth/react asked for. */
async function redirectOf(response: Response): Promise<string | null> {
  const location = response.headers.get("location");
  if (location) return location;
  try {
    const { url } = (await response.clone().json()) as { url?: unknown };
    return typeof url === "string" ? url : null;
  } catch {
    return null;
  }
}

export { handler as GET, handler as POST };
