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
      <p className="muted">The link works once, for 24 hours. You can close this page.</p>
      <p>
        Nothing arrived after a few minutes? Look in your spam or junk folder. If you typed the wrong address,{" "}
        <Link href="/sign-up">create your account again</Link> with the right one.
      </p>
      <p className="mt">
        <Link href="/sign-in">Back to sign-in</Link>
      </p>
    </section>
  );
}
