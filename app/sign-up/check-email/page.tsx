import type { Metadata } from "next";
import Link from "next/link";
import { messages } from "@/lib/messages";

export const metadata: Metadata = { title: "Check your email" };

/** The one answer every sign-up gets, whether or not the address already had an account. */
export default function CheckEmailPage() {
  return (
    <section className="card">
      <h1>Check your email</h1>
      <p className="notice" role="status">
        {messages.checkEmail}
      </p>
      <p className="muted">The link works once, for 24 hours. Keep this page open or come back to it from the email.</p>
      <p className="mt">
        <Link href="/sign-in">Back to sign-in</Link>
      </p>
    </section>
  );
}
