import "server-only";
import { headers } from "next/headers";
import { getConfig } from "./config";
import { SOCKET_IP_HEADER } from "./socket-ip-header";

/**
 * The address limits are counted against. Next.js keeps a client's own X-Forwarded-For, so that
 * header is believed only when TRUST_PROXY_HOPS says proxies in front of us append to it, and
 * then only the entry the outermost trusted proxy wrote.
 */
export function clientIpFrom(h: Headers, trustProxyHops: number): string {
  const socketIp = h.get(SOCKET_IP_HEADER) || "unknown";
  if (trustProxyHops === 0) return socketIp;
  const chain = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return chain[chain.length - trustProxyHops] ?? socketIp;
}

export async function getClientIp(): Promise<string> {
  return clientIpFrom(await headers(), getConfig().trustProxyHops);
}
