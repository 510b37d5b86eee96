/**
 * The operator's console: the same lib/ code and audit log as the web dashboard.
 *
 *   npm run admin -- create-admin --email EMAIL [--name NAME]   (password: hidden prompt, or stdin when piped)
 *   npm run admin -- list-users [--query TEXT] [--limit N]
 *   npm run admin -- reset --email EMAIL --reason "TEXT" [--message "TEXT"]
 *   npm run admin -- unlock --email EMAIL
 *   npm run admin -- reopen-setup --email EMAIL
 *   npm run admin -- import-tokens FILE
 *   npm run admin -- list-tokens [--state free|assigned|active|lost] [--serial PREFIX]
 *   npm run admin -- assign-token --serial SERIAL --email EMAIL --reason "TEXT"
 *   npm run admin -- unassign-token --serial SERIAL --reason "TEXT"
 *   npm run admin -- lost-token --serial SERIAL --reason "TEXT"
 */
import os from "node:os";
import { parseArgs } from "node:util";
import { loadEnvConfig } from "@next/env";

loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });

const USAGE = `Usage: npm run admin -- <command> [options]

  create-admin --email EMAIL [--name NAME]   Create an admin. The password is asked for at a hidden
                                             prompt, or read from standard input when piped.
  list-users [--query TEXT] [--limit N]      Accounts whose email or name contains every word of TEXT (default: all, 50).
  reset --email EMAIL --reason "TEXT"        Reset a patient's two-step sign-in: secrets and recovery codes
        [--message "TEXT"]                   removed, all sessions ended, re-enrollment at next sign-in.
                                             --reason is the internal note (audit log only); --message is
                                             what the patient reads (a standard sentence when left out).
  unlock --email EMAIL                       End a sign-in lockout early.
  reopen-setup --email EMAIL                 Give an account that has not set up two-step sign-in
                                             another SETUP_EXPIRES_DAYS to do so.
  import-tokens FILE                         Import keyfobs (HOTP) from a vendor's CSV (serial, secret in hex
                                             or base32, digits) or unencrypted PSKC file. All or nothing:
                                             bad rows are listed by line and nothing is imported.
  list-tokens [--state STATE] [--serial P]   Keyfobs with their state (free, assigned, active, lost) and holder.
  assign-token --serial S --email EMAIL      Hand a free keyfob to a patient; they prove it with one code
        --reason "TEXT"                      at their next sign-in.
  unassign-token --serial S --reason "TEXT"  Take a keyfob back (it becomes free).
  lost-token --serial S --reason "TEXT"      Mark a keyfob lost: its codes never work again.`;

class UsageError extends Error {}

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

/** A line typed without echo on a terminal, or the first line of piped input. */
async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let data = "";
    for await (const chunk of stdin) data += chunk;
    return data.split(/\r?\n/)[0] ?? "";
  }
  process.stdout.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return new Promise((resolve) => {
    let value = "";
    const onData = (key: string) => {
      for (const char of key) {
        if (char === "\r" || char === "\n") {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stdout.write("\n");
          resolve(value);
          return;
        }
        if (char === "\u0003") fail("\nCancelled.", 130);
        if (char === "\u007f") value = value.slice(0, -1);
        else value += char;
      }
    };
    stdin.on("data", onData);
  });
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      reason: { type: "string" },
      message: { type: "string" },
      query: { type: "string" },
      limit: { type: "string" },
      serial: { type: "string" },
      state: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }).valueOf() as { positionals: string[]; values: Record<string, string | boolean | undefined> };
  const command = positionals[0];
  if (values.help || !command) fail(USAGE, command ? 0 : 2);

  // Loaded after the environment, so the configuration sees .env.local.
  const { ConfigError } = await import("../lib/config-schema");
  const { getConfig } = await import("../lib/config");
  try {
    getConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const admin = await import("../lib/admin");
  const tokens = await import("../lib/factors/hotp/tokens");
  const { recordAudit } = await import("../lib/audit");
  const { emailSchema, newPasswordSchema, nameSchema } = await import("../lib/validation");
  const { createAdmin } = await import("../lib/users");

  const actor = { id: null, email: `console:${os.userInfo().username}@${os.hostname()}`, via: "cli" as const, ip: null };
  const email = () => {
    const parsed = emailSchema.safeParse(values.email ?? "");
    if (!parsed.success) throw new UsageError(`--email: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  };
  const account = async () => {
    const found = await admin.findAccountByEmail(email());
    if (!found) throw new UsageError(`No account has the email ${email()}.`);
    return found;
  };

  switch (command) {
    case "create-admin": {
      const address = email();
      const name = nameSchema.safeParse(values.name ?? "");
      if (!name.success) throw new UsageError(`--name: ${name.error.issues[0]?.message}`);
      const typed = await readPassword("Password for the new admin (not shown): ");
      if (process.stdin.isTTY && (await readPassword("Same password again: ")) !== typed) throw new UsageError("The two passwords differ.");
      const password = newPasswordSchema.safeParse(typed);
      if (!password.success) throw new UsageError(password.error.issues[0]!.message);
      const created = await createAdmin({ email: address, password: password.data, name: name.data });
      if (!created.ok) throw new UsageError(`An account with the email ${address} already exists.`);
      await recordAudit(actor, "admin-created", created.user);
      console.log(`Admin ${address} created. Sign in at the portal; you will set up your authenticator app first.`);
      return;
    }
    case "list-users": {
      const limit = Math.min(Math.max(Number(values.limit ?? 50) || 50, 1), 10_000);
      let after: string | null = null;
      let shown = 0;
      console.log(["email", "name", "role", "two-step", "last sign-in", "locked"].join("\t"));
      do {
        const page: Awaited<ReturnType<typeof admin.searchAccounts>> = await admin.searchAccounts(String(values.query ?? ""), after);
        for (const row of page.rows.slice(0, limit - shown)) {
          console.log(
            [row.email, row.name ?? "", row.role, row.enrolledAt ? "on" : "off", row.lastSignInAt?.toISOString() ?? "never", row.lockedUntil ? "locked" : ""].join("\t"),
          );
          shown++;
        }
        after = page.next;
      } while (after && shown < limit);
      return;
    }
    case "reset": {
      const target = await account();
      const reason = admin.reasonSchema.safeParse(values.reason ?? "");
      if (!reason.success) throw new UsageError(`--reason: ${reason.error.issues[0]?.message}`);
      const message = admin.resetMessageSchema.safeParse(typeof values.message === "string" ? values.message : undefined);
      if (!message.success) throw new UsageError(`--message: ${message.error.issues[0]?.message}`);
      const result = await admin.resetEnrollment(actor, target.id, reason.data, message.data);
      if (!result.ok) throw new UsageError(result.message);
      console.log(`Two-step sign-in reset for ${target.email}. Their sessions were ended; they set it up again at their next sign-in.`);
      return;
    }
    case "unlock": {
      const target = await account();
      await admin.unlockAccount(actor, target.id);
      console.log(`${target.email} unlocked.`);
      return;
    }
    case "reopen-setup": {
      const target = await account();
      const result = await admin.reopenSetup(actor, target.id);
      if (!result.ok) throw new UsageError(result.message);
      console.log(`${target.email} can set up two-step sign-in again.`);
      return;
    }
    case "import-tokens": {
      const file = positionals[1];
      if (!file) throw new UsageError("import-tokens needs the file to read: npm run admin -- import-tokens FILE");
      const { readFile, stat } = await import("node:fs/promises");
      const { MAX_IMPORT_BYTES } = await import("../lib/factors/hotp/import");
      const size = await stat(file).then((info) => (info.isFile() ? info.size : -1), () => -2);
      if (size === -2) throw new UsageError(`Can't read ${file}.`);
      if (size === -1) throw new UsageError(`${file} is not a file.`);
      if (size > MAX_IMPORT_BYTES) throw new UsageError(`${file} is larger than 1 MB.`);
      const result = await tokens.importTokens(actor, await readFile(file, "utf8"));
      if (!result.ok) {
        throw new UsageError(`Nothing was imported from ${file}:\n${result.problems.map((p) => `  line ${p.line}: ${p.message}`).join("\n")}`);
      }
      console.log(`Imported ${result.imported} keyfob(s) from ${file}.`);
      return;
    }
    case "list-tokens": {
      const states = ["free", "assigned", "active", "lost"] as const;
      const state = values.state === undefined ? undefined : states.find((s) => s === values.state);
      if (values.state !== undefined && !state) throw new UsageError(`--state: one of ${states.join(", ")}.`);
      console.log(["serial", "state", "digits", "holder", "since"].join("\t"));
      for (const row of await tokens.listTokens({ state, serial: typeof values.serial === "string" ? values.serial : undefined }, 10_000)) {
        console.log([row.serial, row.state, row.digits, row.holderEmail ?? "", (row.provenAt ?? row.assignedAt)?.toISOString() ?? ""].join("\t"));
      }
      return;
    }
    case "assign-token":
    case "unassign-token":
    case "lost-token": {
      const serial = typeof values.serial === "string" ? values.serial.trim() : "";
      if (!serial) throw new UsageError("--serial: the number printed on the keyfob.");
      const reason = admin.reasonSchema.safeParse(values.reason ?? "");
      if (!reason.success) throw new UsageError(`--reason: ${reason.error.issues[0]?.message}`);
      const result =
        command === "assign-token"
          ? await tokens.assignToken(actor, serial, email(), reason.data)
          : await tokens.releaseToken(actor, serial, command === "lost-token" ? "lost" : "free", reason.data);
      if (!result.ok) throw new UsageError(result.message);
      console.log(
        command === "assign-token"
          ? `Keyfob ${serial} assigned to ${email()}. They prove it with one code at their next sign-in.`
          : `Keyfob ${serial} ${command === "lost-token" ? "marked lost" : "is free again"}.`,
      );
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    if (error instanceof UsageError) fail(error.message);
    console.error(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
