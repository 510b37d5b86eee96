import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { isSupportedCountry, type CountryCode } from "libphonenumber-js/min";
import { z } from "zod";

export const DEFAULT_DATABASE_URL = "file:./prisma/dev.db";
export const DEFAULT_ISSUER = "Clinic Patient Portal";
const FIX = "run `npm run setup` to create local secrets, or set it in the environment (see README, Configuration)";

const base64Key = z
  .string({ error: `ENCRYPTION_KEY is missing: ${FIX}.` })
  .trim()
  .refine((v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, "base64").length === 32, {
    error: "ENCRYPTION_KEY must be 32 random bytes in base64 (44 characters): generate one with `openssl rand -base64 32`.",
  })
  .transform((v) => Buffer.from(v, "base64"));

/** A whole-number setting with one sentence for every way it can be wrong. */
function wholeNumber(name: string, min: number, max: number, fallback: number, why?: string) {
  const error = `${name} must be a whole number from ${min} to ${max}${why ? `: ${why}` : ""}.`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
}

/** postgres:// and postgresql:// with a host; anything else stays a SQLite file URL or an error. */
export function isPostgresUrl(url: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(url)) return false;
  try {
    return new URL(url).hostname !== "";
  } catch {
    return false;
  }
}

/** The server's own zone: what a clinic gets when it sets none. */
export const serverTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z
    .string()
    .trim()
    .default(DEFAULT_DATABASE_URL)
    .refine((v) => v.startsWith("file:") || isPostgresUrl(v), {
      error: "DATABASE_URL must be a SQLite file URL such as file:./prisma/dev.db, or a PostgreSQL URL such as postgresql://portal:secret@db.example-clinic.org:5432/portal.",
    }),
  PORT: wholeNumber("PORT", 1, 65_535, 3000, "the port `npm start` serves on"),
  NEXTAUTH_URL: z
    .url({ protocol: /^https?$/, error: "NEXTAUTH_URL must be the portal's public address, such as https://portal.example-clinic.org." })
    .optional(),
  AUTH_SECRET: z
    .string({ error: `AUTH_SECRET is missing: ${FIX}.` })
    .trim()
    .min(32, { error: "AUTH_SECRET must be at least 32 characters: generate one with `openssl rand -base64 32`." }),
  ENCRYPTION_KEY: base64Key,
  TOTP_ISSUER: z
    .string()
    .trim()
    .min(1, { error: "TOTP_ISSUER must not be empty: it is the name patients see in their authenticator app." })
    .max(64, { error: "TOTP_ISSUER must be at most 64 characters so it fits on a phone screen." })
    // Percent-encoded they are valid, but some authenticator apps decode the URI before splitting it.
    .refine((v) => !/[?#&=%/]/.test(v), {
      error: "TOTP_ISSUER must not contain ? # & = % or /: some authenticator apps misread them. Try \"and\" instead of \"&\".",
    })
    .default(DEFAULT_ISSUER),
  TRUST_PROXY_HOPS: wholeNumber("TRUST_PROXY_HOPS", 0, 5, 0, "0 when browsers connect straight to the portal, 1 behind one reverse proxy"),
  CODE_LOCKOUT_AFTER: wholeNumber("CODE_LOCKOUT_AFTER", 3, 10, 10, "more wrong codes than 10 make guessing too easy"),
  LOCKOUT_MINUTES: z
    .string()
    .trim()
    .default("1,5,15,60")
    .transform((v) => v.split(",").map((part) => Number(part.trim())))
    .refine((list) => list.length >= 1 && list.length <= 10 && list.every((n) => Number.isInteger(n) && n >= 1 && n <= 24 * 60), {
      error: "LOCKOUT_MINUTES must be a comma-separated list of whole minutes (1 to 1440), for example 1,5,15,60.",
    }),
  IP_ATTEMPTS_PER_15_MIN: wholeNumber("IP_ATTEMPTS_PER_15_MIN", 10, 100_000, 100),
  SIGNUPS_PER_IP_PER_HOUR: wholeNumber("SIGNUPS_PER_IP_PER_HOUR", 1, 100_000, 20),
  UNENROLLED_PASSWORD_FAILURES: wholeNumber(
    "UNENROLLED_PASSWORD_FAILURES",
    3,
    100,
    20,
    "wrong passwords in a row, from any addresses, before an account without an authenticator pauses",
  ),
  SETUP_EXPIRES_DAYS: wholeNumber("SETUP_EXPIRES_DAYS", 1, 90, 7, "days an account made at the console or reset by the clinic has to finish setup"),
  CLINIC_TIME_ZONE: z
    .string()
    .trim()
    .refine(isTimeZone, { error: "CLINIC_TIME_ZONE must be an IANA time zone name such as Europe/London or America/Chicago." })
    .optional(),
  CLINIC_PHONE: z
    .string()
    .trim()
    .refine((v) => /^\+?[0-9][0-9 ().-]{2,28}[0-9]$/.test(v), {
      error: "CLINIC_PHONE must be a phone number patients can dial, such as +44 20 7946 0000 (digits, spaces, + ( ) . - only).",
    })
    .optional(),
  CLINIC_HOURS: z
    .string()
    .trim()
    .max(100, { error: "CLINIC_HOURS must be at most 100 characters, such as Mon–Fri 8:00–18:00." })
    .refine((v) => !/\p{Cc}/u.test(v), { error: "CLINIC_HOURS can't contain control characters." })
    .optional(),
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || /^smtps?:\/\/[^\s/]+(:\d+)?\/?$/.test(v) && URL.canParse(v), {
      error: "SMTP_URL must look like smtp://user:password@mail.example-clinic.org:587 (or smtps:// for port 465); percent-encode any @ or : in the password.",
    }),
  SMTP_HOST: z
    .string()
    .trim()
    .max(253, { error: "SMTP_HOST must be a host name such as mail.example-clinic.org." })
    .refine((v) => /^[A-Za-z0-9.:[\]-]+$/.test(v), { error: "SMTP_HOST must be a host name such as mail.example-clinic.org." })
    .optional(),
  SMTP_PORT: wholeNumber("SMTP_PORT", 1, 65535, 587, "usually 587, or 465 for SMTP over TLS"),
  SMTP_USER: z.string().trim().max(256, { error: "SMTP_USER is too long." }).optional(),
  SMTP_PASSWORD: z.string().max(1024, { error: "SMTP_PASSWORD is too long." }).optional(),
  MAIL_FROM: z
    .string()
    .trim()
    .max(320, { error: "MAIL_FROM is too long." })
    .refine((v) => /^(?:"?[^"<>\r\n]*"?\s*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/.test(v), {
      error: "MAIL_FROM must be an address such as portal@example-clinic.org or \"Clinic Portal\" <portal@example-clinic.org>.",
    })
    .optional(),
  OUTBOX_LEASE_SECONDS: wholeNumber("OUTBOX_LEASE_SECONDS", 5, 3600, 120, "how long a message being sent is reserved for the process sending it; keep it above a minute outside tests"),
  CLINIC_CONTACT: z
    .string()
    .trim()
    .max(200, { error: "CLINIC_CONTACT must be at most 200 characters: a phone number and an address fit." })
    .refine((v) => !/[\p{Cc}<>]/u.test(v), { error: "CLINIC_CONTACT must be plain text on one line, such as \"Call reception on 01234 567890\"." })
    .default("Call the clinic's reception desk"),
  PHONE_CODES: z
    .enum(["off", "sms", "sms+voice"], { error: "PHONE_CODES must be off, sms or sms+voice: whether patients may get sign-in codes by text message (and by phone call)." })
    .default("sms+voice"),
  PHONE_DEFAULT_REGION: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .refine((v) => isSupportedCountry(v), { error: "PHONE_DEFAULT_REGION must be a two-letter country code such as GB or US: the country of numbers typed without +." })
    .default("GB"),
  PHONE_COUNTRIES: z
    .string()
    .trim()
    .transform((v) => v.split(",").map((part) => part.trim().toUpperCase()))
    .refine((list) => list.length <= 50 && list.every((code) => isSupportedCountry(code)), {
      error: "PHONE_COUNTRIES must be a comma-separated list of two-letter country codes such as GB,IE: numbers in other countries are refused.",
    })
    .optional(),
  SMS_PROVIDER: z
    .enum(["outbox", "twilio", "plivo"], { error: "SMS_PROVIDER must be outbox (texts and calls go to .outbox/ and the console), twilio or plivo." })
    .default("outbox"),
  TWILIO_ACCOUNT_SID: z
    .string()
    .trim()
    .refine((v) => /^AC[0-9a-fA-F]{32}$/.test(v), { error: "TWILIO_ACCOUNT_SID must be your Twilio account SID: AC followed by 32 hexadecimal characters (Twilio Console, Account Info)." })
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().trim().min(16, { error: "TWILIO_AUTH_TOKEN looks too short: copy the Auth Token from the Twilio Console." }).max(256, { error: "TWILIO_AUTH_TOKEN is too long." }).optional(),
  TWILIO_FROM: z
    .string()
    .trim()
    .refine((v) => /^\+[1-9][0-9]{6,14}$/.test(v), { error: "TWILIO_FROM must be your Twilio phone number in E.164 form, such as +441234567890." })
    .optional(),
  PLIVO_AUTH_ID: z
    .string()
    .trim()
    .refine((v) => /^[A-Z0-9]{20}$/.test(v), { error: "PLIVO_AUTH_ID must be your Plivo Auth ID: 20 capital letters and digits (Plivo Console, Overview)." })
    .optional(),
  PLIVO_AUTH_TOKEN: z.string().trim().min(16, { error: "PLIVO_AUTH_TOKEN looks too short: copy the Auth Token from the Plivo Console." }).max(256, { error: "PLIVO_AUTH_TOKEN is too long." }).optional(),
  PLIVO_FROM: z
    .string()
    .trim()
    .refine((v) => /^\+[1-9][0-9]{6,14}$/.test(v), { error: "PLIVO_FROM must be your Plivo phone number in E.164 form, such as +441234567890." })
    .optional(),
});

export type Limits = {
  /** Consecutive wrong codes (authenticator or recovery) before an account's code step pauses. */
  codeLockoutAfter: number;
  /** How long each successive lockout lasts; the last value repeats. */
  lockoutMinutes: number[];
  /** Password and code attempts one address may make in 15 minutes, across all accounts. */
  ipAttemptsPer15Min: number;
  signUpsPerIpPerHour: number;
  /** Consecutive wrong passwords, from anywhere, before an account without a second factor pauses. */
  unenrolledPasswordFailures: number;
};

/** Where outgoing email goes: a real SMTP server, or (only on a local install) a folder of .eml files. */
export type MailTransport =
  | { kind: "smtp"; url: string }
  | { kind: "smtp"; host: string; port: number; secure: boolean; user: string | null; password: string | null }
  | { kind: "folder"; dir: string };

export type MailConfig = { transport: MailTransport; from: string; contact: string };

/** Sign-in codes by text message or call (lib/factors/phone/). */
export type PhoneConfig = {
  codes: "off" | "sms" | "sms+voice";
  defaultRegion: CountryCode;
  /** Numbers outside these countries are refused: text and call fraud targets expensive destinations. */
  countries: CountryCode[];
  provider: PhoneProvider;
};

export type PhoneProvider =
  | { kind: "outbox" }
  | { kind: "twilio"; accountSid: string; authToken: string; from: string }
  | { kind: "plivo"; authId: string; authToken: string; from: string };

export type Config = {
  nodeEnv: "development" | "production" | "test";
  databaseUrl: string;
  /** The port `next start` listens on (PORT). */
  port: number;
  appUrl: URL;
  /** Cookies get the Secure flag whenever the portal is served over https. */
  secureCookies: boolean;
  authSecret: string;
  encryptionKey: Buffer;
  issuer: string;
  /** How many reverse proxies in front of the portal append to X-Forwarded-For (0: trust none). */
  trustProxyHops: number;
  limits: Limits;
  /** Days an account created at the console or reset by the clinic has to finish setup. */
  setupExpiresDays: number;
  clinic: Clinic;
  mail: MailConfig;
  /** After this long, a message claimed by a process that died mid-send is taken up by another. */
  outboxLeaseSeconds: number;
  phone: PhoneConfig;
};

export type Clinic = {
  /** IANA zone every time is shown in. */
  timeZone: string;
  /** Where patients call for help; null when not configured. */
  phone: string | null;
  hours: string | null;
};


export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`The portal cannot start:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Over plain http no cookie can be Secure. In production the address must be stated, not defaulted
 * (a default of http://localhost behind a TLS proxy silently drops the Secure flag), and be https;
 * the only exception is a trial on this machine itself, which `npm run setup` writes into .env.local.
 */
function checkProductionAddress(appUrl: URL, explicit: boolean): void {
  if (!explicit) {
    throw new ConfigError([
      "NEXTAUTH_URL is not set: in production set it to the portal's public https address (for example https://portal.example-clinic.org), so that links and Secure cookies use it.",
    ]);
  }
  if (appUrl.protocol === "https:") return;
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(appUrl.hostname);
  if (!loopback) {
    throw new ConfigError([
      `NEXTAUTH_URL is ${appUrl.origin}: in production the portal must be served over https (for example https://portal.example-clinic.org), so that its cookies are Secure.`,
    ]);
  }
}

/** Validates an environment; throws a ConfigError whose message says how to fix each problem. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const blankToUndefined = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, v === undefined || v.trim() === "" ? undefined : v]),
  );
  const result = schema.safeParse(blankToUndefined);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => issue.message));
  }
  const e = result.data;
  // Unset, the address is this machine on the port the server listens on (not allowed in production).
  const appUrl = new URL(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`);
  if (e.NODE_ENV === "production") checkProductionAddress(appUrl, e.NEXTAUTH_URL !== undefined);
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(appUrl.hostname);
  const mail = mailConfig(e, loopback);
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    appUrl,
    secureCookies: appUrl.protocol === "https:",
    authSecret: e.AUTH_SECRET,
    encryptionKey: e.ENCRYPTION_KEY,
    issuer: e.TOTP_ISSUER,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    limits: {
      codeLockoutAfter: e.CODE_LOCKOUT_AFTER,
      lockoutMinutes: e.LOCKOUT_MINUTES,
      ipAttemptsPer15Min: e.IP_ATTEMPTS_PER_15_MIN,
      signUpsPerIpPerHour: e.SIGNUPS_PER_IP_PER_HOUR,
      unenrolledPasswordFailures: e.UNENROLLED_PASSWORD_FAILURES,
    },
    setupExpiresDays: e.SETUP_EXPIRES_DAYS,
    clinic: { timeZone: e.CLINIC_TIME_ZONE ?? serverTimeZone(), phone: e.CLINIC_PHONE ?? null, hours: e.CLINIC_HOURS ?? null },
    mail,
    outboxLeaseSeconds: e.OUTBOX_LEASE_SECONDS,
    phone: {
      codes: e.PHONE_CODES,
      defaultRegion: e.PHONE_DEFAULT_REGION as CountryCode,
      countries: (e.PHONE_COUNTRIES ?? [e.PHONE_DEFAULT_REGION]) as CountryCode[],
      provider: phoneProvider(e),
    },
  };
}

/**
 * A portal that patients reach (production, public address) must really send mail. A local
 * install (`npm start` on a laptop, the browser tests) may write it to `.outbox/` instead, so a
 * fresh clone works end to end with nothing else running.
 */
function mailConfig(e: z.infer<typeof schema>, loopback: boolean): MailConfig {
  const contact = e.CLINIC_CONTACT;
  if (e.SMTP_URL && e.SMTP_HOST) {
    throw new ConfigError(["Set either SMTP_URL or SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASSWORD), not both."]);
  }
  const smtp: MailTransport | null = e.SMTP_URL
    ? { kind: "smtp", url: e.SMTP_URL }
    : e.SMTP_HOST
      ? { kind: "smtp", host: e.SMTP_HOST, port: e.SMTP_PORT, secure: e.SMTP_PORT === 465, user: e.SMTP_USER ?? null, password: e.SMTP_PASSWORD ?? null }
      : null;
  const publicProduction = e.NODE_ENV === "production" && !loopback;
  if (!smtp && publicProduction) {
    throw new ConfigError([
      "Email is not set up: patients need it for confirmation links, password resets and security notices. Set SMTP_URL (for example smtp://portal:password@mail.example-clinic.org:587) or SMTP_HOST, SMTP_PORT, SMTP_USER and SMTP_PASSWORD, and MAIL_FROM.",
    ]);
  }
  if (smtp && publicProduction && !e.MAIL_FROM) {
    throw new ConfigError(["MAIL_FROM is missing: set the address patients see mail from, such as \"Clinic Portal\" <portal@example-clinic.org>."]);
  }
  return {
    transport: smtp ?? { kind: "folder", dir: ".outbox" },
    from: e.MAIL_FROM ?? `"${e.TOTP_ISSUER.replace(/["\\]/g, "")}" <no-reply@localhost>`,
    contact,
  };
}

/** The provider's credentials and sender number, all required once it is chosen. */
function phoneProvider(e: z.infer<typeof schema>): PhoneProvider {
  if (e.SMS_PROVIDER === "twilio") {
    const missing = (["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"] as const).filter((name) => !e[name]);
    if (missing.length) throw new ConfigError([`SMS_PROVIDER is twilio but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: copy them from the Twilio Console.`]);
    return { kind: "twilio", accountSid: e.TWILIO_ACCOUNT_SID!, authToken: e.TWILIO_AUTH_TOKEN!, from: e.TWILIO_FROM! };
  }
  if (e.SMS_PROVIDER === "plivo") {
    const missing = (["PLIVO_AUTH_ID", "PLIVO_AUTH_TOKEN", "PLIVO_FROM"] as const).filter((name) => !e[name]);
    if (missing.length) throw new ConfigError([`SMS_PROVIDER is plivo but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set: copy them from the Plivo Console.`]);
    return { kind: "plivo", authId: e.PLIVO_AUTH_ID!, authToken: e.PLIVO_AUTH_TOKEN!, from: e.PLIVO_FROM! };
  }
  return { kind: "outbox" };
}

const serverSchema = z.object({
  WEB_CONCURRENCY: wholeNumber("WEB_CONCURRENCY", 1, 64, availableParallelism(), "how many server processes to run, usually one per CPU core"),
  PORT: wholeNumber("PORT", 1, 65_535, 3000, "the TCP port the portal listens on"),
  // Each password hash holds 19 MiB while it runs on one of these threads, and the allocator keeps
  // that memory for the thread's next hash: libuv's default of 4 per process doubled peak memory
  // without adding throughput once there is a process per core.
  UV_THREADPOOL_SIZE: wholeNumber("UV_THREADPOOL_SIZE", 1, 64, 2, "how many background threads each server process uses for password hashing"),
  HOSTNAME: z
    .string()
    .trim()
    .refine((v) => isIP(v) !== 0 || v === "localhost", { error: "HOSTNAME must be an IP address to listen on, such as 127.0.0.1 or 0.0.0.0 (all interfaces)." })
    .optional(),
});

/** How `npm start` / `npm run serve` run the portal (scripts/serve.ts). */
export type ServerConfig = { processes: number; port: number; hostname: string | undefined; hashThreads: number };

export function parseServerConfig(env: Record<string, string | undefined>): ServerConfig {
  const blankToUndefined = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === undefined || v.trim() === "" ? undefined : v]));
  const result = serverSchema.safeParse(blankToUndefined);
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => issue.message));
  return { processes: result.data.WEB_CONCURRENCY, port: result.data.PORT, hostname: result.data.HOSTNAME, hashThreads: result.data.UV_THREADPOOL_SIZE };
}
