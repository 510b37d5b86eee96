// @ts-check

/**
 * Pages that show a TOTP key, recovery codes or take a code: never cached. The security headers
 * (CSP, HSTS, framing, referrer, nosniff) come from lib/request-guard.mjs, on every answer.
 */
const SENSITIVE = ["/enroll", "/enroll/phone", "/api/voice/:path*", "/sign-in/:path*", "/sign-up", "/home", "/account/:path*", "/dev/:path*", "/reset-password", "/confirm-email"];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2", "twilio", "plivo"],
  async headers() {
    return SENSITIVE.map((source) => ({ source, headers: [{ key: "Cache-Control", value: "no-store, max-age=0" }] }));
  },
};

module.exports = nextConfig;
