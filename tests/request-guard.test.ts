import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, refusalPage, refuseRequest } from "@/lib/request-guard.mjs";

const form = { host: "portal.example", origin: "https://portal.example", "content-length": "120" };

describe("request guard", () => {
  it("lets a same-site form of ordinary size through, and never looks at GETs", () => {
    expect(refuseRequest("POST", "/sign-in", form)).toBeNull();
    expect(refuseRequest("GET", "/sign-in", { ...form, origin: "https://elsewhere.example", "content-length": "99999999" })).toBeNull();
    // Old browsers send no Origin on a same-site form post.
    expect(refuseRequest("POST", "/sign-in", { host: "portal.example", "content-length": "120" })).toBeNull();
  });

  it("refuses foreign, null and unparsable origins, comparing with the host the proxy forwarded", () => {
    expect(refuseRequest("POST", "/sign-in", { ...form, origin: "https://elsewhere.example" })?.status).toBe(403);
    expect(refuseRequest("POST", "/sign-in", { ...form, origin: "null" })?.status).toBe(403);
    expect(refuseRequest("POST", "/sign-in", { ...form, host: "127.0.0.1:3000", "x-forwarded-host": "portal.example" })).toBeNull();
    expect(refuseRequest("POST", "/sign-in", { ...form, "x-forwarded-host": "other.example" })?.status).toBe(403);
  });

  it("refuses oversized, unsized streamed and nonsense-sized bodies before anything reads them", () => {
    expect(refuseRequest("POST", "/sign-in", { ...form, "content-length": String(64 * 1024 + 1) })?.status).toBe(413);
    expect(refuseRequest("POST", "/admin/tokens", { ...form, "content-length": String(512 * 1024) })).toBeNull();
    expect(refuseRequest("POST", "/sign-in", { ...form, "content-length": "12abc" })?.status).toBe(413);
    const { "content-length": _, ...streamed } = form;
    expect(refuseRequest("POST", "/sign-in", { ...streamed, "transfer-encoding": "chunked" })?.status).toBe(411);
  });

  it("refuses a path that does not decode, whatever the method", () => {
    expect(refuseRequest("GET", "/admin/patients/%ff", form)?.status).toBe(400);
    expect(refuseRequest("POST", "/api/voice/answer/%E0%A4%A", form)?.status).toBe(400);
    expect(refuseRequest("GET", "/admin/patients/caf%C3%A9", form)).toBeNull();
  });

  it("lets only forms reach NextAuth's endpoints", () => {
    const urlencoded = { ...form, "content-type": "application/x-www-form-urlencoded" };
    expect(refuseRequest("POST", "/api/auth/callback/totp", urlencoded)).toBeNull();
    // next-auth/react's logger posts with sendBeacon, which adds a charset.
    expect(refuseRequest("POST", "/api/auth/_log", { ...form, "content-type": "application/x-www-form-urlencoded;charset=UTF-8" })).toBeNull();
    for (const type of ["application/json", "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencodedx", undefined]) {
      expect(refuseRequest("POST", "/api/auth/callback/totp", { ...form, "content-type": type })?.status, String(type)).toBe(415);
    }
    expect(refuseRequest("GET", "/api/auth/csrf", form)).toBeNull();
    expect(refuseRequest("POST", "/sign-in", { ...form, "content-type": "multipart/form-data; boundary=x" })).toBeNull();
  });

  it("gives each answer its own nonce, no unsafe-eval outside development, and escapes the refusal text", () => {
    const first = contentSecurityPolicy(false);
    const nonce = /'nonce-([^']+)'/.exec(first)![1]!;
    expect(nonce.length).toBeGreaterThanOrEqual(22);
    expect(contentSecurityPolicy(false)).not.toContain(nonce);
    expect(first).not.toContain("unsafe-eval");
    expect(first).toContain("frame-ancestors 'none'");
    expect(contentSecurityPolicy(true)).toContain("'unsafe-eval'");
    expect(refusalPage('<script>"x"</script>')).not.toContain("<script>");
  });
});
