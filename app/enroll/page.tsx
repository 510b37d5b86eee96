import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { readCsrfToken } from "@/lib/auth-csrf";
import { getClientIp } from "@/lib/client-ip";
import { getConfig } from "@/lib/config";
import { AuthenticatorSetup } from "@/components/authenticator-setup";
import { ContactClinic } from "@/components/contact-clinic";
import { SignOutButton } from "@/components/sign-out-button";
import { clinicDateTime } from "@/lib/clinic-time";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { renderQrDataUrl } from "@/lib/qr";
import { getCurrentAccount } from "@/lib/session";
import { getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { getResetNotice } from "@/lib/users";
import { requestNewKey } from "./actions";

export const metadata: Metadata = { title: "Set up your authenticator app" };

type Props = { searchParams: Promise<{ new?: string; error?: string | string[] }> };

export default async function EnrollPage({ searchParams }: Props) {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "enroll") {
    redirect((await getCurrentAccount()) ? "/home" : await signInAgainPath());
  }
  const enrollment = await getOrCreatePendingEnrollment({ userId: challenge.userId, ownerId: challenge.id, kind: "first" }, await getClientIp());
  if (!enrollment) redirect("/sign-in?notice=notEnrolling");

  const qr = await renderQrDataUrl(enrollment.uri);
  const reset = await getResetNotice(challenge.userId);
  const { new: replaced, error } = await searchParams;
  return (
    <>
      <section className="card">
        <h1>Set up your authenticator app</h1>
        <p>
          To keep your medical information safe, you&apos;ll enter a code from an app on your phone each time you sign in.
          This takes about two minutes.
        </p>
        {reset && (
          <p className="notice" role="status" data-testid="reset-notice">
            The clinic reset your two-step sign-in on {clinicDateTime(reset.at)}: &ldquo;{reset.reason}&rdquo; Please set up your
            authenticator app again. If you didn&apos;t ask for this, <ContactClinic />.
          </p>
        )}
        {replaced === "1" && <p className="notice">You have a new key. Any older QR code for this account no longer works.</p>}
        <AuthenticatorSetup {...enrollment} qrDataUrl={qr} />
        {getConfig().phone.codes !== "off" && (
          <p className="mt">
            <a href="/enroll/phone">No smartphone? Get codes by text message or a phone call.</a>
          </p>
        )}
      </section>
      <section className="card">
        <h2>2. Enter the code the app shows</h2>
        <CodeForm
          issuer={getConfig().issuer}
          submitLabel="Finish setup"
          onSuccessPath="/account/recovery-codes"
          csrfToken={await readCsrfToken()}
          initialError={typeof error === "string" ? error : undefined}
        />
      </section>
      <section className="card">
        <h2>Having trouble?</h2>
        <p className="muted">
          If you scanned an old code or want to start again, get a new key. Anything you already added for {getConfig().issuer} will
          stop working.
        </p>
        <form action={requestNewKey} className="actions">
          <button type="submit" className="secondary">
            Get a new key
          </button>
        </form>
        <div className="actions mt">
          <SignOutButton label="Cancel and sign out" />
        </div>
      </section>
    </>
  );
}
