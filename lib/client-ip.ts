import "server-only";
import { isIPv6 } from "node:net";
import { headers } from "next/headers";
import { getConfig } from "./config";
import { peerHeaderName } from "./socket-ip-header";

/**
 * The unit limits count against. IPv4-mapped addresses become plain IPv4; an IPv6 address counts
 * as its /64, since one home or phone connection is given a whole /64 to pick addresses from.
 */
export function limitKeyForAddress(address: string): string {
  const plain = address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (!isIPv6(plain)) return plain;
  const [head = "", tail = ""] = plain.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = plain.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, "")).join(":")}::/64`;
}

/**
 * The address limits are counted against. Next.js keeps a client's own X-Forwarded-For, so that
 * header is believed only when TRUST_PROXY_HOPS says proxies in front of us append to it, and
 * then only the entry the outermost trusted proxy wrote.
 */
export function clientIpFrom(h: Headers, trustProxyHops: number, peerHeader = peerHeaderName()): string {
  const peer = (peerHeader && h.get(peerHeader)) || "unknown";
  if (trustProxyHops === 0) return limitKeyForAddress(peer);
  const chain = (h.get("x-forwarded-for") ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return limitKeyForAddress(chain[chain.length - trustProxyHops] ?? peer);
}

export async function getClientIp(): Promise<string> {
  return clientIpFrom(await headers(), getConfig().trustProxyHops);
}
