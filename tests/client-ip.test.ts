import { describe, expect, it } from "vitest";
import { clientIpFrom } from "@/lib/client-ip";
import { SOCKET_IP_HEADER } from "@/lib/socket-ip-header";

const request = (headers: Record<string, string>) => new Headers(headers);

describe("which address limits count against", () => {
  it("ignores a client's own X-Forwarded-For unless proxies are trusted", () => {
    const h = request({ [SOCKET_IP_HEADER]: "192.0.2.10", "x-forwarded-for": "6.6.6.6" });
    expect(clientIpFrom(h, 0)).toBe("192.0.2.10");
  });

  it("behind one trusted proxy, takes the address that proxy appended, not what the client wrote", () => {
    const h = request({ [SOCKET_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.7" });
    expect(clientIpFrom(h, 1)).toBe("198.51.100.7");
    expect(clientIpFrom(h, 2)).toBe("6.6.6.6");
  });

  it("falls back to the connection when the header is missing or too short", () => {
    expect(clientIpFrom(request({ [SOCKET_IP_HEADER]: "10.0.0.2" }), 1)).toBe("10.0.0.2");
    expect(clientIpFrom(request({ [SOCKET_IP_HEADER]: "10.0.0.2", "x-forwarded-for": "1.1.1.1" }), 3)).toBe("10.0.0.2");
    expect(clientIpFrom(request({}), 0)).toBe("unknown");
  });
});
