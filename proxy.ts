import { NextResponse, type NextRequest } from "next/server";
import { messages } from "@/lib/messages";

/** Every form here is a few hundred bytes; anything far larger is refused before it is parsed. */
const MAX_POST_BYTES = 64 * 1024;
/** The keyfob import takes a vendor's file; Next.js itself caps a server action's body at 1 MB. */
const MAX_IMPORT_POST_BYTES = 1024 * 1024;

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page of its own (title, language, one clear sentence, a way back), never a blank 500. */
function refuse(status: number, text: string) {
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>That request could not be handled</title></head><body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5"><h1>That request could not be handled</h1><p>${escapeHtml(text)}</p><p><a href="/sign-in">Go to the sign-in page</a></p></body></html>`;
  return new NextResponse(body, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/** The host of an Origin header; null for "null" or anything unparsable (never equal to a host). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * Request shape and response headers only, never who may see what (pages and actions check
 * that). Next.js would otherwise answer an oversized or cross-site server-action POST with a 500.
 */
export function proxy(request: NextRequest) {
  const refusal = request.method === "POST" ? checkPost(request) : null;
  return refusal ?? withSecurityHeaders(request);
}

/**
 * Scripts run only with this request's nonce (Next.js adds it to its own tags when it sees the
 * policy on the request); nothing may frame the portal, and it talks only to itself.
 */
function withSecurityHeaders(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const dev = process.env.NODE_ENV !== "production";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  // Browsers ignore HSTS on plain http, so local http use is unaffected.
  if (!dev) response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  return response;
}

function checkPost(request: NextRequest): NextResponse | null {
  const declared = request.headers.get("content-length");
  const length = declared === null ? NaN : Number(declared);
  // Browsers always declare the size of a form; a streamed body of unknown size is not a form.
  if (declared === null && request.body !== null) return refuse(411, "Length required.");
  const max = request.nextUrl.pathname === "/admin/tokens" ? MAX_IMPORT_POST_BYTES : MAX_POST_BYTES;
  if (declared !== null && (!Number.isFinite(length) || length > max)) return refuse(413, messages.formTooLarge);

  // Every form here posts to its own site (with or without JavaScript). Next.js checks server
  // actions too, but answers a foreign or "null" origin with a bare 500.
  const origin = request.headers.get("origin");
  if (origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    if (host && originHost(origin) !== host) {
      return refuse(403, "Forms can only be sent from this portal's own pages. Please open the page again and send the form from there.");
    }
  }
  return null;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
