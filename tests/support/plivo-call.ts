/**
 * Run by tests/providers.test.ts in its own process: Plivo's SDK sends calls to a fixed https host,
 * reachable in a test only through its `proxy` option and a local TLS certificate, which Node trusts
 * only when NODE_EXTRA_CA_CERTS is set at start. Delivers the queued call to one number; prints the report.
 */
import { getConfig } from "@/lib/config";
import { createPhoneChannels } from "@/lib/messaging/phone";
import { deliverDue } from "@/lib/messaging/worker";

const [proxy, to, authId, authToken, from] = process.argv.slice(2) as [string, string, string, string, string];
const phone = { ...getConfig().phone, provider: { kind: "plivo" as const, authId, authToken, from } };
deliverDue({ channels: createPhoneChannels(phone, { proxy }), onlyTo: [to] })
  .then((report) => {
    console.log(JSON.stringify(report));
    process.exit(0);
  })
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.name : "failed");
    process.exit(1);
  });
