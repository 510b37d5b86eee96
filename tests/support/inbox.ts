import { afterAll, beforeAll } from "vitest";
import { createEmailChannel } from "@/lib/messaging/email";
import { deliverDue } from "@/lib/messaging/worker";
import { startSmtpServer, type TestSmtpServer } from "./smtp";

/**
 * A real SMTP server for this test file, and `inboxOf(email)`: runs the delivery worker for that
 * recipient's queued messages and returns what the server received for them, parsed.
 */
export function useTestInbox() {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(() => smtp.close());
  return async function inboxOf(email: string) {
    await deliverDue({ channels: { email: createEmailChannel({ transport: { kind: "smtp", url: smtp.url }, from: "portal@clinic.test", contact: "" }) }, onlyTo: [email] });
    return smtp.inbox.filter((m) => m.to.includes(email)).map((m) => m.mail);
  };
}
