import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { isMessageKey, messages } from "@/lib/messages";
import { getCurrentAccount } from "@/lib/session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ notice?: string | string[] }> };

export default async function SignInPage({ searchParams }: Props) {
  if (await getCurrentAccount()) redirect("/home");
  const { notice } = await searchParams;
  // Only known message keys are shown: the query string cannot put arbitrary text on the page.
  const text = isMessageKey(notice) ? messages[notice] : undefined;
  return (
    <section className="card">
      <h1>Sign in</h1>
      <p className="muted">Step 1 of 2: your email and password. Next you&apos;ll enter the code from your authenticator app.</p>
      <SignInForm notice={text} />
      <p className="mt">
        <a href="/forgot-password">Forgot your password?</a>
      </p>
      <p className="muted mt">
        New here? <a href="/sign-up">Create an account</a>
      </p>
    </section>
  );
}
