// @ts-check

/** Pages that show a TOTP key, recovery codes or take a code: never cached. The CSP comes from proxy.ts. */
const SENSITIVE = ["/enroll", "/sign-in/:path*", "/sign-up", "/home", "/account/:path*"];

const securityHeaders = [
  { key: "X-Frame-Options", value: "DENY" },
  // Not "no-referrer": with it browsers send `Origin: null` on form posts, which Next.js refuses as
  // a cross-site server action, so no form would work without JavaScript. Other sites still get nothing.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3", "@node-rs/argon2"],
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      ...SENSITIVE.map((source) => ({ source, headers: [{ key: "Cache-Control", value: "no-store, max-age=0" }] })),
    ];
  },
};

module.exports = nextConfig;
