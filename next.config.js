// @ts-check

/** Pages that show a TOTP key, recovery codes or take a code: never cached. The CSP comes from lib/request-guard.mjs. */
const SENSITIVE = ["/enroll", "/enroll/phone", "/api/voice/:path*", "/sign-in/:path*", "/sign-up", "/home", "/account/:path*", "/dev/:path*", "/reset-password", "/confirm-email"];

const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  // Nothing leaves for other sites; same-origin requests keep their Origin, which a form posted
  // before the page's scripts load needs (with no-referrer, browsers send "Origin: null").
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2", "twilio", "plivo"],
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      ...SENSITIVE.map((source) => ({ source, headers: [{ key: "Cache-Control", value: "no-store, max-age=0" }] })),
    ];
  },
};

module.exports = nextConfig;
