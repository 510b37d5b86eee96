import type { Metadata } from "next";
import Link from "next/link";
import { requireStepUp } from "@/lib/step-up";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Change password" };

export default async function PasswordPage() {
  await requireStepUp("/account/password");
  return (
    <section className="card">
      <h1>Change your password</h1>
      <p className="muted">You stay signed in here; other devices are signed out.</p>
      <PasswordForm />
      <p className="mt">
        <Link href="/home">Cancel</Link>
      </p>
    </section>
  );
}
