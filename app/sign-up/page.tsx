import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentAccount } from "@/lib/session";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage() {
  if (await getCurrentAccount()) redirect("/home");
  return (
    <section className="card">
      <h1>Create your patient account</h1>
      <p className="muted">
        We&apos;ll email you a link to confirm your address. Then you&apos;ll link an authenticator app on your phone (Google Authenticator or Microsoft Authenticator). You&apos;ll
        use it with your password every time you sign in.
      </p>
      <SignUpForm />
      <p className="muted mt">
        Already have an account? <a href="/sign-in">Sign in</a>
      </p>
    </section>
  );
}
