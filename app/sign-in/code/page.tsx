import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { getConfig } from "@/lib/config";
import { ContactClinic } from "@/components/contact-clinic";
import { SignOutButton } from "@/components/sign-out-button";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";

export const metadata: Metadata = { title: "Enter your code" };

export default async function CodeStepPage() {
  const challenge = await currentChallenge();
  if (!challenge) redirect(await signInAgainPath());
  if (challenge.purpose === "enroll") redirect("/enroll");
  return (
    <section className="card">
      <h1>Enter your code</h1>
      <p className="muted">Step 2 of 2: the 6-digit code from your authenticator app.</p>
      <CodeForm issuer={getConfig().issuer} submitLabel="Sign in" onSuccessPath="/" allowRecovery autoFocus />
      <p className="muted mt">Lost your phone and your recovery codes? <ContactClinic sentenceStart />: staff can reset your setup.</p>
      <div className="actions mt">
        <SignOutButton label="Cancel" />
      </div>
    </section>
  );
}
