import { NextResponse, type NextRequest } from "next/server";
import { messages } from "@/lib/messages";

/** Every form here is a few hundred bytes; anything far larger is refused before it is parsed. */
const MAX_POST_BYTES = 64 * 1024;

function refuse(status: number, text: string) {
  return new NextResponse(text, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * A gate for request shape only, never for who may see what (pages and actions check that).
 * Next.js would otherwise answer an oversized or cross-site server-action POST with a 500.
 */
export function proxy(request: NextRequest) {
  if (request.method !== "POST") return NextResponse.next();
  const length = Number(request.headers.get("content-length") ?? "0");
  if (!Number.isFinite(length) || length > MAX_POST_BYTES) return refuse(413, messages.formTooLarge);

  // Server actions are same-origin only. Next.js checks this too, but fails with a 500.
  const origin = request.headers.get("origin");
  if (request.headers.has("next-action") && origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    if (host && new URL(origin).host !== host) return refuse(403, "Cross-site form submissions are not accepted.");
  }
  return NextResponse.next();
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
