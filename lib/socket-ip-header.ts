import { randomBytes } from "node:crypto";

const holder = globalThis as unknown as { clinicPeerHeader?: string };

/**
 * The request header instrumentation-node.ts stamps with the TCP peer's address. Its name is
 * random per process, so no client can send a header that passes for it; before the stamp is
 * installed there is no name, and lib/client-ip.ts counts the request as "unknown".
 */
export function installPeerHeaderName(): string {
  holder.clinicPeerHeader ??= `x-clinic-peer-${randomBytes(8).toString("hex")}`;
  return holder.clinicPeerHeader;
}

export function peerHeaderName(): string | undefined {
  return holder.clinicPeerHeader;
}
