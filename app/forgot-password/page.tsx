import type { Metadata } from "next";
import Link from "next/link";
import { messages } from "@/lib/messages";
import { ForgotForm } from "./forgot-form";

export const metadata: Metadata = { title: "Forgot your password?" };

type Props = { searchParams: Promise<{ sent?: string }> };

export default async function ForgotPasswordPage({ searchParams }: Props) {
  const { sent } = await searchParams;
  return (
    <section className="card">
      <h1>Forgot your password?</h1>
      {sent === "1" ? (
        <p className="notice" role="status">
          {messages.forgotSent}
        </p>
      ) : (
        <>
          <p className="muted">
            Enter the email address of your account and we&apos;ll send you a link to choose a new password. You&apos;ll
            still need your sign-in code (from your app, phone or keyfob) or a recovery code to sign in.
          </p>
          <ForgotForm />
        </>
      )}
      <p className="muted mt">
        <Link href="/sign-in">Back to sign-in</Link>
      </p>
    </section>
  );
}
