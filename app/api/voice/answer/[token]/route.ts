import { answerCall } from "@/lib/messaging/plivo";

/**
 * Plivo fetches what a call says from here once the patient picks up. The token in the path is
 * the only key, works once and for minutes; anyone else gets a 404 and never the code.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const xml = await answerCall(token);
  const headers = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
  if (!xml) return new Response("Not found", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(xml, { status: 200, headers: { ...headers, "Content-Type": "application/xml; charset=utf-8" } });
}
