import NextAuth from "next-auth";
import { getAuthOptions } from "@/lib/auth";

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
  return NextAuth(request as never, context as never, getAuthOptions());
}

export { handler as GET, handler as POST };
