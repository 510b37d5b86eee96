import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${PORT}`;
// Two `next start` instances on one throwaway PostgreSQL behind nginx (scripts/cluster.ts):
// PostgreSQL on CLUSTER_PORT, nginx on +1, the instances on +2 and +3.
const CLUSTER_PORT = PORT + 10;
const clusterURL = `http://127.0.0.1:${CLUSTER_PORT + 1}`;
/** The test SMTP server that scripts/e2e-server.ts runs beside the portal. */
const SMTP_PORT = PORT + 1;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  reporter: [["list"], ["json", { outputFile: ".tmp/playwright-report.json" }]],
  use: {
    baseURL,
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "chromium", testIgnore: /load-balancer\.spec\.ts/, use: { ...devices["Desktop Chrome"], channel: undefined } },
    { name: "load-balancer", testMatch: /load-balancer\.spec\.ts/, use: { ...devices["Desktop Chrome"], channel: undefined, baseURL: clusterURL } },
  ],
  webServer: [{
    // A fresh database from the real migrations, then the production build under `next start`.
    command: `node_modules/.bin/tsx scripts/e2e-server.ts`,
    url: `${baseURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      E2E_PORT: String(PORT),
      DATABASE_URL: "file:./.tmp/e2e.db",
      // Every browser test comes from 127.0.0.1: per-address budgets are tested in tests/*.test.ts
      // and by bench/attack-codes.ts, not here.
      SIGNUPS_PER_IP_PER_HOUR: "10000",
      IP_ATTEMPTS_PER_15_MIN: "10000",
      AUTH_SECRET: randomBytes(32).toString("base64"),
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      NEXTAUTH_URL: baseURL,
      TOTP_ISSUER: "St. Mary: Test Clinic",
      // A zone far from the server's UTC, so a time shown in UTC by mistake cannot pass for local.
      CLINIC_TIME_ZONE: "America/Chicago",
      CLINIC_PHONE: "+1 312 555 0100",
      CLINIC_HOURS: "Mon–Fri 8:00–17:00",
      NEXT_TELEMETRY_DISABLED: "1",
      E2E_SMTP_PORT: String(SMTP_PORT),
      SMTP_URL: `smtp://portal:${encodeURIComponent("smtp test password")}@127.0.0.1:${SMTP_PORT}`,
      MAIL_FROM: '"St. Mary Test Clinic" <portal@clinic.test>',
    },
  }, {
    command: `node_modules/.bin/tsx scripts/cluster.ts`,
    url: `${clusterURL}/sign-in`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    // The script stops PostgreSQL itself; a SIGKILL would leave the cluster running.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    env: {
      CLUSTER_BASE_PORT: String(CLUSTER_PORT),
      CLUSTER_INSTANCES: "2",
      NEXTAUTH_URL: clusterURL,
      // The same test SMTP server as the single portal: the helpers read confirmation mail from it.
      SMTP_URL: `smtp://portal:${encodeURIComponent("smtp test password")}@127.0.0.1:${SMTP_PORT}`,
      MAIL_FROM: '"St. Mary Test Clinic" <portal@clinic.test>',
      SIGNUPS_PER_IP_PER_HOUR: "10000",
      IP_ATTEMPTS_PER_15_MIN: "10000",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  }],
});