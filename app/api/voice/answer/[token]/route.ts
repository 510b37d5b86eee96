import { getConfig } from "@/lib/config";
import { answerCall, plivoRequestAllowed } from "@/lib/messaging/plivo";

/**
 * Plivo fetches what a call says from here once the patient picks up. The token in the path is
 * the only key, works once and for minutes; anyone else gets a 404 and never the code.
 */
export async function GET(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const headers = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };
  const config = getConfig();
  const provider = config.phone.provider;
  const url = new URL(request.url);
  // Checked before the token is spent: a forged request must not use up the patient's call.
  const allowed = await plivoRequestAllowed(
    {
      method: "GET",
      path: `${url.pathname}${url.search}`,
      signature: request.headers.get("x-plivo-signature-v3"),
      nonce: request.headers.get("x-plivo-signature-v3-nonce"),
    },
    { authToken: provider.kind === "plivo" ? provider.authToken : null, production: config.nodeEnv === "production" },
  );
  if (!allowed) return new Response("Forbidden", { status: 403, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  const xml = await answerCall(token);
  if (!xml) return new Response("Not found", { status: 404, headers: { ...headers, "Content-Type": "text/plain; charset=utf-8" } });
  return new Response(xml, { status: 200, headers: { ...headers, "Content-Type": "application/xml; charset=utf-8" } });
}
