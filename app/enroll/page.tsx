import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { CopyButton } from "@/components/copy-button";
import { SignOutButton } from "@/components/sign-out-button";
import { currentChallenge } from "@/lib/challenge-cookie";
import { groupKey } from "@/lib/key-uri";
import { renderQrDataUrl } from "@/lib/qr";
import { getCurrentAccount } from "@/lib/session";
import { getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { requestNewKey } from "./actions";

export const metadata: Metadata = { title: "Set up your authenticator app" };

type Props = { searchParams: Promise<{ new?: string }> };

export default async function EnrollPage({ searchParams }: Props) {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "enroll") {
    redirect((await getCurrentAccount()) ? "/home" : "/sign-in?notice=challengeExpired");
  }
  const enrollment = await getOrCreatePendingEnrollment(challenge.userId);
  if (!enrollment) redirect("/sign-in?notice=notEnrolling");

  const qr = await renderQrDataUrl(enrollment.uri);
  const { new: replaced } = await searchParams;
  return (
    <>
      <section className="card">
        <h1>Set up your authenticator app</h1>
        <p>
          To keep your medical information safe, you&apos;ll enter a code from an app on your phone each time you sign in.
          This takes about two minutes.
        </p>
        {replaced === "1" && <p className="alert">You have a new key. Any older QR code for this account no longer works.</p>}
        <h2>1. Scan this QR code with the app</h2>
        <div className="qr">
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server */}
          <img src={qr} width={280} height={280} alt={`QR code to add ${enrollment.account} to your authenticator app`} />
        </div>
        <p className="actions">
          <a className="button app-link" href={enrollment.uri}>
            Open in authenticator app
          </a>
        </p>
        <details>
          <summary>Using Google Authenticator</summary>
          <ol>
            <li>Install Google Authenticator from the App Store or Google Play and open it.</li>
            <li>Tap the + button, then &ldquo;Scan a QR code&rdquo;, and point the camera at the code above.</li>
            <li>Can&apos;t scan? Tap &ldquo;Enter a setup key&rdquo;, type your email as the account name and the key below; keep &ldquo;Time based&rdquo;.</li>
          </ol>
        </details>
        <details>
          <summary>Using Microsoft Authenticator</summary>
          <ol>
            <li>Install Microsoft Authenticator from the App Store or Google Play and open it.</li>
            <li>Tap + (Add account), choose &ldquo;Other account (Google, Facebook, etc.)&rdquo; and scan the code above.</li>
            <li>Can&apos;t scan? Tap &ldquo;Or enter code manually&rdquo;, type your email as the account name and the key below.</li>
          </ol>
        </details>
        <h2>Or type this key into the app</h2>
        <p className="key" aria-label="Setup key" data-testid="setup-key">
          {groupKey(enrollment.secret)}
        </p>
        <p className="hint">
          Account: {enrollment.account} · Issuer: {enrollment.issuer}
        </p>
        <CopyButton text={enrollment.secret} label="Copy key" />
      </section>
      <section className="card">
        <h2>2. Enter the code the app shows</h2>
        <CodeForm submitLabel="Turn on two-step sign-in" />
      </section>
      <section className="card">
        <h2>Having trouble?</h2>
        <p className="muted">
          If you scanned an old code or want to start again, get a new key. Anything you already added for this portal will
          stop working.
        </p>
        <form action={requestNewKey} className="actions">
          <button type="submit" className="secondary">
            Get a new key
          </button>
        </form>
        <div className="actions" style={{ marginTop: "0.75rem" }}>
          <SignOutButton />
        </div>
      </section>
    </>
  );
}
