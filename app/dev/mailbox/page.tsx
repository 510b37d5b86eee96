import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getConfig } from "@/lib/config";
import { listLocalMail, localMailboxAllowed } from "@/lib/messaging/mailbox";

export const metadata: Metadata = { title: "Local mailbox", robots: { index: false } };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

/** The portal's own links become clickable; everything else stays text. */
function TextWithLinks({ text, origin }: { text: string; origin: string }) {
  const parts = text.split(/(\s+)/);
  return (
    <pre className="mail-text">
      {parts.map((part, i) =>
        part.startsWith(`${origin}/`) ? (
          <a key={i} href={part}>
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </pre>
  );
}

/** A stand-in for a mail program on a local install: what the portal "sent", newest first. */
export default async function MailboxPage() {
  if (!(await localMailboxAllowed())) notFound();
  const mails = await listLocalMail();
  const origin = getConfig().appUrl.origin;
  return (
    <section className="card">
      <h1>Local mailbox</h1>
      <p className="muted">
        No mail server is set up, so the portal writes its email to the <code>.outbox</code> folder instead. This page
        exists only on this computer, only without a mail server, and never on a public portal.
      </p>
      {mails.length === 0 && <p>No messages yet.</p>}
      {mails.map((mail) => (
        <article key={mail.id} className="mail" aria-labelledby={`mail-${mail.id}`}>
          <h2 id={`mail-${mail.id}`}>{mail.subject}</h2>
          <p className="muted">
            To {mail.recipient} · {when.format(mail.createdAt)} UTC · <code>{mail.file}</code>
          </p>
          <TextWithLinks text={mail.text} origin={origin} />
        </article>
      ))}
    </section>
  );
}
