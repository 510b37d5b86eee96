import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

// One fresh database per run, built from the real migrations in tests/support/global-setup.ts:
// a SQLite file, or with TEST_DATABASE=postgres a throwaway PostgreSQL cluster on TEST_PG_PORT.
const onPostgres = process.env.TEST_DATABASE === "postgres";
const pgPort = Number(process.env.TEST_PG_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 5);
const testEnv = {
  NODE_ENV: "test" as const,
  DATABASE_URL: onPostgres ? `postgresql://postgres@127.0.0.1:${pgPort}/clinic` : `file:./.tmp/unit-${process.pid}.db`,
  AUTH_SECRET: randomBytes(32).toString("base64"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  NEXTAUTH_URL: "http://127.0.0.1:3999",
  TOTP_ISSUER: "Test Clinic",
};
Object.assign(process.env, testEnv);

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(__dirname),
      // The real package throws outside React Server Components; lib/ runs here as plain Node.
      "server-only": path.resolve(__dirname, "tests/support/server-only.ts"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    env: testEnv,
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 20_000,
    pool: "forks",
  },
});
