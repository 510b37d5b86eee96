// Plain JavaScript (types in request-guard.d.mts): the server process loads it without a compiler.
import { randomBytes } from "node:crypto";

/**
 * Request shape and response headers for every request, checked by the server (scripts/serve-worker.mjs)
 * before Next.js sees it: never who may see what (pages and actions check that). Next.js would
 * otherwise answer an oversized or cross-site server-action POST with a 500. Done here rather
 * than in a Next.js proxy (middleware), which cost 2.3 ms of CPU on every request.
 */

/** Every form here is a few hundred bytes; anything far larger is refused before it is parsed. */
const MAX_POST_BYTES = 64 * 1024;
/** The keyfob import takes a vendor's file; Next.js itself caps a server action's body at 1 MB. */
const MAX_IMPORT_POST_BYTES = 1024 * 1024;

const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page of its own (title, language, one clear sentence, a way back), never a blank 500. */
export function refusalPage(text) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>That request could not be handled</title></head><body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5"><h1>That request could not be handled</h1><p>${escapeHtml(text)}</p><p><a href="/sign-in">Go to the sign-in page</a></p></body></html>`;
}

/** The host of an Origin header; null for "null" or anything unparsable (never equal to a host). */
function originHost(origin) {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

const header = (headers, name) => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Why a request is refused before anything reads it, or null when it may go on. */
export function refuseRequest(method, pathname, headers) {
  // Next.js answers a path it cannot decode ("/admin/patients/%ff") with a 500.
  try {
    decodeURIComponent(pathname);
  } catch {
    return { status: 400, text: "That address is not one of this portal's pages." };
  }
  if (method !== "POST") return null;
  const declared = header(headers, "content-length");
  // Browsers always declare the size of a form; a streamed body of unknown size is not a form.
  if (declared === undefined && header(headers, "transfer-encoding") !== undefined) return { status: 411, text: "Length required." };
  const max = pathname === "/admin/tokens" ? MAX_IMPORT_POST_BYTES : MAX_POST_BYTES;
  if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > max)) return { status: 413, text: "That form was too large to send. Please check what you typed and try again." };

  // NextAuth's endpoints take only forms (its client and the plain code form post urlencoded);
  // it answers any other body it cannot parse with a 500.
  if (pathname.startsWith("/api/auth/") && !/^application\/x-www-form-urlencoded\s*(;|$)/i.test(header(headers, "content-type") ?? "")) {
    return { status: 415, text: "Sign-in answers can only be sent from this portal's own pages. Please open the page again and send the form from there." };
  }

  // Every form here posts to its own site (with or without JavaScript). Next.js checks server
  // actions too, but answers a foreign or "null" origin with a bare 500.
  const origin = header(headers, "origin");
  if (origin) {
    const host = header(headers, "x-forwarded-host") ?? header(headers, "host");
    if (host && originHost(origin) !== host) {
      return { status: 403, text: "Forms can only be sent from this portal's own pages. Please open the page again and send the form from there." };
    }
  }
  return null;
}

/**
 * Scripts run only with this request's nonce (Next.js adds it to its own tags when it sees the
 * policy on the request); nothing may frame the portal, and it talks only to itself.
 */
export function contentSecurityPolicy(dev) {
  const nonce = randomBytes(16).toString("base64");
  return [
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
}

/** Browsers ignore HSTS on plain http, so local http use is unaffected. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

/** Headers every answer carries, beside the CSP and HSTS. */
export const SECURITY_HEADERS = {
  "X-Frame-Options": "DENY",
  // Nothing leaves for other sites; same-origin requests keep their Origin, which a form posted
  // before the page's scripts load needs (with no-referrer, browsers send "Origin: null").
  "Referrer-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
};
