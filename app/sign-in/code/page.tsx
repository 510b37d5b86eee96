import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { SignOutButton } from "@/components/sign-out-button";
import { currentChallenge } from "@/lib/challenge-cookie";

export const metadata: Metadata = { title: "Enter your code" };

export default async function CodeStepPage() {
  const challenge = await currentChallenge();
  if (!challenge) redirect("/sign-in?notice=challengeExpired");
  if (challenge.purpose === "enroll") redirect("/enroll");
  return (
    <section className="card">
      <h1>Enter your code</h1>
      <p className="muted">Step 2 of 2: the 6-digit code from your authenticator app.</p>
      <CodeForm submitLabel="Sign in" onSuccessPath="/home" allowRecovery />
      <div className="actions mt">
        <SignOutButton />
      </div>
    </section>
  );
}
