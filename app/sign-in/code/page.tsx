import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { ContactClinic } from "@/components/contact-clinic";
import { SignOutButton } from "@/components/sign-out-button";
import { readCsrfToken } from "@/lib/auth-csrf";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { getConfig } from "@/lib/config";
import { factorsOf } from "@/lib/factors/registry";

export const metadata: Metadata = { title: "Enter your code" };

type Props = { searchParams: Promise<{ error?: string | string[]; recovery?: string | string[] }> };

export default async function CodeStepPage({ searchParams }: Props) {
  const challenge = await currentChallenge();
  if (!challenge) redirect(await signInAgainPath());
  if (challenge.purpose === "enroll") redirect("/enroll");
  const { error, recovery } = await searchParams;
  const factors = await factorsOf(challenge.userId);
  const kinds = factors.map((factor) => factor.kind);
  // A keyfob's first code finishes its setup: the recovery codes come next, as after an app's setup.
  const firstUse = factors.some((factor) => factor.firstUse);
  return (
    <section className="card">
      <h1>Enter your code</h1>
      <p className="muted">
        {kinds.includes("hotp")
          ? kinds.includes("totp")
            ? "Step 2 of 2: the code from your authenticator app, or press your keyfob's button once and type the code it shows."
            : "Step 2 of 2: press your keyfob's button once and type the code it shows."
          : "Step 2 of 2: the 6-digit code from your authenticator app."}
      </p>
      <CodeForm
        issuer={getConfig().issuer}
        submitLabel="Sign in"
        onSuccessPath={firstUse ? "/account/recovery-codes" : "/"}
        csrfToken={await readCsrfToken()}
        initialError={typeof error === "string" ? error : undefined}
        initialRecovery={recovery === "1"}
        recoverySwitch={{ recoveryHref: "/sign-in/code?recovery=1", appHref: "/sign-in/code" }}
        autoFocus
      />
      <p className="muted mt">Lost your phone and your recovery codes? <ContactClinic sentenceStart />: staff can reset your setup.</p>
      <div className="actions mt">
        <SignOutButton label="Cancel" />
      </div>
    </section>
  );
}
