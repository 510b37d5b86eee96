import { NextResponse, type NextRequest } from "next/server";
import { messages } from "@/lib/messages";

/** Every form here is a few hundred bytes; anything far larger is refused before it is parsed. */
const MAX_POST_BYTES = 64 * 1024;

function refuse(status: number, text: string) {
  return new NextResponse(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
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
 * A gate for request shape only, never for who may see what (pages and actions check that).
 * Next.js would otherwise answer an oversized or cross-site server-action POST with a 500.
 */
export function proxy(request: NextRequest) {
  if (request.method !== "POST") return NextResponse.next();
  const declared = request.headers.get("content-length");
  const length = declared === null ? NaN : Number(declared);
  // Browsers always declare the size of a form; a streamed body of unknown size is not a form.
  if (declared === null && request.body !== null) return refuse(411, "Length required.");
  if (declared !== null && (!Number.isFinite(length) || length > MAX_POST_BYTES)) return refuse(413, messages.formTooLarge);

  // Server actions are same-origin only. Next.js checks this too, but fails with a 500.
  const origin = request.headers.get("origin");
  if (request.headers.has("next-action") && origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    if (host && originHost(origin) !== host) return refuse(403, "Cross-site form submissions are not accepted.");
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
