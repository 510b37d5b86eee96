import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { configProblems } from "./support/config";
import { ConfigError, DEFAULT_ISSUER, parseConfig, parseServerConfig } from "@/lib/config-schema";

const repo = path.resolve(__dirname, "..");
const key = randomBytes(32).toString("base64");
const valid = { AUTH_SECRET: randomBytes(32).toString("base64"), ENCRYPTION_KEY: key };

const problems = configProblems;

/** Runs a script from the repo in an empty folder, with nothing from this shell's environment but PATH. */
function runIn(dir: string, script: string, env: Record<string, string> = {}) {
  return spawnSync(path.join(repo, "node_modules/.bin/tsx"), [path.join(repo, script)], {
    cwd: dir,
    env: { PATH: process.env.PATH!, ...env } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
}

describe("configuration", () => {
  it("has working defaults for everything but the two secrets", () => {
    const config = parseConfig(valid);
    expect(config.databaseUrl).toBe("file:./prisma/dev.db");
    expect(config.issuer).toBe(DEFAULT_ISSUER);
    expect(config.encryptionKey).toHaveLength(32);
    expect(config.secureCookies).toBe(false);
    expect(parseConfig({ ...valid, NEXTAUTH_URL: "https://portal.example.org" }).secureCookies).toBe(true);
    expect(config.trustProxyHops).toBe(0);
    expect(config.limits).toEqual({ codeLockoutAfter: 10, lockoutMinutes: [1, 5, 15, 60], ipAttemptsPer15Min: 100, signUpsPerIpPerHour: 20, unenrolledPasswordFailures: 20 });
    expect(config.setupExpiresDays).toBe(7);
    expect(parseConfig({ ...valid, LOCKOUT_MINUTES: "2, 10" }).limits.lockoutMinutes).toEqual([2, 10]);
  });

  it("requires an explicit https address in production, except a trial on this machine", () => {
    const { NEXTAUTH_URL: _default, ...noUrl } = valid as Record<string, string>;
    const prod = { ...noUrl, NODE_ENV: "production" };
    expect(problems(prod)[0]).toContain("NEXTAUTH_URL is not set");
    expect(problems({ ...prod, NEXTAUTH_URL: "http://portal.example.org" })[0]).toContain("must be served over https");
    expect(problems({ ...prod, NEXTAUTH_URL: "http://localhost:3000" })).toEqual([]);
    const mail = { SMTP_URL: "smtp://mail.example.org", MAIL_FROM: "portal@example.org" };
    expect(parseConfig({ ...prod, ...mail, NEXTAUTH_URL: "https://portal.example.org" }).secureCookies).toBe(true);
  });

  it("sends mail over SMTP when configured, into .outbox/ on a local install, and refuses a public portal without it", () => {
    expect(parseConfig(valid).mail.transport).toEqual({ kind: "folder", dir: ".outbox" });
    const prod = { ...valid, NODE_ENV: "production", NEXTAUTH_URL: "https://portal.example.org" };
    expect(problems(prod)).toEqual([expect.stringContaining("Email is not set up: patients need it for confirmation links")]);
    expect(problems({ ...prod, SMTP_URL: "smtp://u:p@mail.example.org:587" })).toEqual([expect.stringContaining("MAIL_FROM is missing")]);
    const ok = parseConfig({ ...prod, SMTP_URL: "smtp://u:p@mail.example.org:587", MAIL_FROM: '"Clinic" <portal@example.org>' });
    expect(ok.mail).toMatchObject({ transport: { kind: "smtp", url: "smtp://u:p@mail.example.org:587" }, from: '"Clinic" <portal@example.org>' });
    expect(parseConfig({ ...valid, SMTP_HOST: "mail.example.org", SMTP_PORT: "465", SMTP_USER: "u", SMTP_PASSWORD: "p" }).mail.transport).toEqual({
      kind: "smtp", host: "mail.example.org", port: 465, secure: true, user: "u", password: "p",
    });
  });

  it.each([
    [{ SMTP_URL: "http://mail.example.org" }, "SMTP_URL must look like smtp://"],
    [{ SMTP_URL: "smtp://a", SMTP_HOST: "b" }, "Set either SMTP_URL or SMTP_HOST"],
    [{ SMTP_HOST: "mail example" }, "SMTP_HOST must be a host name"],
    [{ SMTP_HOST: "mail.example.org", SMTP_PORT: "99999" }, "SMTP_PORT must be a whole number from 1 to 65535"],
    [{ MAIL_FROM: "not an address" }, "MAIL_FROM must be an address"],
    [{ CLINIC_CONTACT: "<script>" }, "CLINIC_CONTACT must be plain text"],
  ])("rejects mail setting %j", (override, message) => {
    expect(problems({ ...valid, ...override })).toEqual([expect.stringContaining(message)]);
  });

  it("says what is missing and how to fix it", () => {
    expect(problems({})).toEqual([
      expect.stringContaining("AUTH_SECRET is missing: run `npm run setup`"),
      expect.stringContaining("ENCRYPTION_KEY is missing: run `npm run setup`"),
    ]);
    expect(problems({ ...valid, AUTH_SECRET: "   " })[0]).toContain("AUTH_SECRET is missing");
  });

  it.each([
    [{ ENCRYPTION_KEY: randomBytes(16).toString("base64") }, "ENCRYPTION_KEY must be 32 random bytes"],
    [{ ENCRYPTION_KEY: "not base64 at all!" }, "ENCRYPTION_KEY must be 32 random bytes"],
    [{ AUTH_SECRET: "short" }, "AUTH_SECRET must be at least 32 characters"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL must be a SQLite file URL such as file:./prisma/dev.db, or a PostgreSQL URL"],
    [{ DATABASE_URL: "postgresql://" }, "DATABASE_URL must be a SQLite file URL such as file:./prisma/dev.db, or a PostgreSQL URL"],
    [{ NEXTAUTH_URL: "javascript:alert(1)" }, "NEXTAUTH_URL must be the portal's public address"],
    [{ TOTP_ISSUER: "x".repeat(65) }, "TOTP_ISSUER must be at most 64 characters"],
    [{ TOTP_ISSUER: "A&B Clinic" }, "TOTP_ISSUER must not contain ? # & = % or /"],
    [{ CODE_LOCKOUT_AFTER: "50" }, "CODE_LOCKOUT_AFTER must be a whole number from 3 to 10: more wrong codes than 10"],
    [{ LOCKOUT_MINUTES: "1,five" }, "LOCKOUT_MINUTES must be a comma-separated list"],
    [{ TRUST_PROXY_HOPS: "yes" }, "TRUST_PROXY_HOPS must be a whole number"],
  ])("rejects %j", (override, message) => {
    expect(problems({ ...valid, ...override })).toEqual([expect.stringContaining(message)]);
  });

  it("refuses to start the server without secrets", () => {
    const run = runIn(mkdtempSync(path.join(tmpdir(), "clinic-")), "instrumentation-node.ts", { NODE_ENV: "production" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("AUTH_SECRET is missing");
  });

  it("refuses to start a public portal that cannot send email, saying what to set", () => {
    const run = runIn(mkdtempSync(path.join(tmpdir(), "clinic-")), "instrumentation-node.ts", {
      NODE_ENV: "production",
      NEXTAUTH_URL: "https://portal.example.org",
      ...valid,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Email is not set up");
    expect(run.stderr).toContain("SMTP_URL");
  });

  it("setup refuses to invent secrets in production", () => {
    const run = runIn(mkdtempSync(path.join(tmpdir(), "clinic-")), "scripts/setup.ts", { NODE_ENV: "production" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Refusing to start in production without AUTH_SECRET and ENCRYPTION_KEY");
  });

  it("setup creates private, per-install secrets once and a migrated database", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clinic-"));
    const first = runIn(dir, "scripts/setup.ts");
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain("Created AUTH_SECRET and ENCRYPTION_KEY");
    const envFile = path.join(dir, ".env.local");
    const contents = readFileSync(envFile, "utf8");
    expect(statSync(envFile).mode & 0o077).toBe(0);
    expect(contents).toMatch(/^ENCRYPTION_KEY=[A-Za-z0-9+/]{43}=$/m);
    expect(statSync(path.join(dir, "prisma/dev.db")).size).toBeGreaterThan(0);

    const second = runIn(dir, "scripts/setup.ts");
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).not.toContain("Created");
    expect(readFileSync(envFile, "utf8")).toBe(contents);

    const other = mkdtempSync(path.join(tmpdir(), "clinic-"));
    runIn(other, "scripts/setup.ts");
    expect(readFileSync(path.join(other, ".env.local"), "utf8")).not.toBe(contents);
  });

  it("setup prints the address the server will really listen on", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clinic-"));
    const run = runIn(dir, "scripts/setup.ts", { PORT: "3401" });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("The portal will be at http://localhost:3401");
    expect(run.stdout).not.toContain(":3000");
    // Nothing pins the old default: the next start on another port prints that port.
    expect(readFileSync(path.join(dir, ".env.local"), "utf8")).not.toContain("NEXTAUTH_URL");
    const behindProxy = runIn(dir, "scripts/setup.ts", { PORT: "3402", NEXTAUTH_URL: "https://portal.example.org" });
    expect(behindProxy.stdout).toContain("listen on http://localhost:3402; patients reach it at https://portal.example.org");
  });
});

describe("serving settings", () => {
  it("runs one process per core, two hashing threads each, unless WEB_CONCURRENCY and UV_THREADPOOL_SIZE say otherwise", () => {
    expect(parseServerConfig({})).toEqual({ processes: availableParallelism(), port: 3000, hostname: undefined, hashThreads: 2 });
    expect(parseServerConfig({ WEB_CONCURRENCY: "3", PORT: "8080", HOSTNAME: "127.0.0.1", UV_THREADPOOL_SIZE: "4" })).toEqual({ processes: 3, port: 8080, hostname: "127.0.0.1", hashThreads: 4 });
  });

  it("says what is wrong with each bad value", () => {
    const messages = (env: Record<string, string>) => {
      try {
        parseServerConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(messages({ WEB_CONCURRENCY: "0" })).toEqual([expect.stringContaining("WEB_CONCURRENCY must be a whole number from 1 to 64")]);
    expect(messages({ WEB_CONCURRENCY: "two" })).toEqual([expect.stringContaining("WEB_CONCURRENCY must be a whole number")]);
    expect(messages({ PORT: "70000" })).toEqual([expect.stringContaining("PORT must be a whole number from 1 to 65535")]);
    expect(messages({ HOSTNAME: "my laptop" })).toEqual([expect.stringContaining("HOSTNAME must be an IP address")]);
    expect(messages({ UV_THREADPOOL_SIZE: "0" })).toEqual([expect.stringContaining("UV_THREADPOOL_SIZE must be a whole number from 1 to 64")]);
  });
});
