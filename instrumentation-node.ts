import http from "node:http";
import { ConfigError, parseConfig } from "./lib/config-schema";
import { installPeerHeaderName } from "./lib/socket-ip-header";

try {
  const config = parseConfig(process.env);
  // NextAuth reads NEXTAUTH_URL itself; unset, it would assume port 3000 whatever PORT says.
  process.env.NEXTAUTH_URL ??= config.appUrl.origin;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`\n${error.message}\n`);
  process.exit(1);
}

/**
 * Route handlers and server actions never see the TCP peer's address, and Next.js only fills
 * X-Forwarded-For when the client did not send one. So the real peer address is stamped on
 * every request here, before Next.js reads it; lib/client-ip.ts decides which address to trust.
 */
const peerHeader = installPeerHeaderName();
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitWithPeerAddress(this: http.Server, event: string, ...args: unknown[]) {
  if (event === "request") {
    const request = args[0] as http.IncomingMessage;
    request.headers[peerHeader] = request.socket.remoteAddress ?? "";
  }
  return (emit as (this: http.Server, event: string, ...args: unknown[]) => boolean).call(this, event, ...args);
} as typeof emit;

// Sends what the outbox holds, from every server process; they share the work safely (lib/messaging/worker.ts).
if (process.env.NEXT_PHASE !== "phase-production-build") {
  void import("./lib/messaging/worker").then(({ startDeliveryWorker }) => startDeliveryWorker());
}
