import { describe, expect, it } from "vitest";
import { clientIpFrom, limitKeyForAddress } from "@/lib/client-ip";

const PEER = "x-clinic-peer-test";
const request = (headers: Record<string, string>) => new Headers(headers);

describe("which address limits count against", () => {
  it("ignores a client's own X-Forwarded-For unless proxies are trusted", () => {
    const h = request({ [PEER]: "192.0.2.10", "x-forwarded-for": "6.6.6.6" });
    expect(clientIpFrom(h, 0, PEER)).toBe("192.0.2.10");
  });

  it("behind one trusted proxy, takes the address that proxy appended, not what the client wrote", () => {
    const h = request({ [PEER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.7" });
    expect(clientIpFrom(h, 1, PEER)).toBe("198.51.100.7");
    expect(clientIpFrom(h, 2, PEER)).toBe("6.6.6.6");
  });

  it("falls back to the connection when the header is missing or too short", () => {
    expect(clientIpFrom(request({ [PEER]: "10.0.0.2" }), 1, PEER)).toBe("10.0.0.2");
    expect(clientIpFrom(request({ [PEER]: "10.0.0.2", "x-forwarded-for": "1.1.1.1" }), 3, PEER)).toBe("10.0.0.2");
  });

  it("trusts no header a client could send when the peer stamp is not installed", () => {
    expect(clientIpFrom(request({ "x-clinic-peer-guess": "6.6.6.6", "x-forwarded-for": "6.6.6.6" }), 0, undefined)).toBe("unknown");
  });

  it("counts an IPv6 client by its /64, and IPv4-mapped addresses as IPv4", () => {
    expect(limitKeyForAddress("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(limitKeyForAddress("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(limitKeyForAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(limitKeyForAddress("::1")).toBe("0:0:0:0::/64");
    expect(limitKeyForAddress("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(limitKeyForAddress("192.0.2.7")).toBe("192.0.2.7");
  });
});
