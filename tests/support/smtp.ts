import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export type ReceivedMail = { to: string[]; mail: ParsedMail; raw: string };

export const SMTP_USER = "portal";
export const SMTP_PASSWORD = "smtp test password";

/**
 * A real SMTP server on 127.0.0.1 (smtp-server + mailparser), with AUTH. STARTTLS is off because
 * the library's built-in certificate has expired; the portal's transport works the same either way.
 */
export async function startSmtpServer(
  options: { port?: number; onRcpt?: (address: string) => Error | null; stallData?: boolean; onMessage?: (mail: ReceivedMail) => void } = {},
) {
  const inbox: ReceivedMail[] = [];
  /** Recipients of messages swallowed while `options.stallData` was on. */
  const stalled: string[][] = [];
  const config: SMTPServerOptions = {
    secure: false,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
      callback(new Error("Invalid username or password"));
    },
    onRcptTo(address, _session, callback) {
      const refusal = options.onRcpt?.(address.address) ?? null;
      callback(refusal ?? undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        // Swallows the message and never answers: a server that hangs mid-send. Read on every
        // message, so a test can switch it off.
        if (options.stallData) {
          stalled.push(session.envelope.rcptTo.map((r) => r.address));
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then(
          (mail) => {
            const received = { to: session.envelope.rcptTo.map((r) => r.address), mail, raw };
            inbox.push(received);
            options.onMessage?.(received);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  };
  const server = new SMTPServer({ ...config, closeTimeout: 200 });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${SMTP_USER}:${encodeURIComponent(SMTP_PASSWORD)}@127.0.0.1:${port}`,
    inbox,
    stalled,
    /** Switches the hang on or off for the next messages. */
    set stallData(on: boolean) {
      options.stallData = on;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TestSmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;

/** The link in a mail's plain text that starts with `prefix` (for example the portal's /reset-password). */
export function linkIn(mail: ParsedMail, prefix: string): string {
  const match = (mail.text ?? "").split(/\s+/).find((word) => word.startsWith(prefix));
  if (!match) throw new Error(`no link starting ${prefix} in "${mail.subject}"`);
  return match;
}
