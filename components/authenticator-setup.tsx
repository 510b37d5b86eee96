import { groupKey } from "@/lib/key-uri";
import { CopyButton } from "./copy-button";

type Props = { uri: string; secret: string; account: string; issuer: string; qrDataUrl: string };

/** Step 1 of any enrollment: the QR code, the app link for phones, per-app steps, and the key as text. */
export function AuthenticatorSetup({ uri, secret, account, issuer, qrDataUrl }: Props) {
  return (
    <>
      <h2>1. Add this account to your authenticator app</h2>
      <div className="touch-only">
        <p>On this phone: tap the button, add the account in the app, then come back here.</p>
        <p className="actions">
          <a className="button app-link" href={uri}>
            Open in authenticator app
          </a>
        </p>
        <p className="muted">Using another phone for the app? Scan this QR code with it:</p>
      </div>
      <p className="pointer-only">Open the app on your phone and scan this QR code:</p>
      <div className="qr">
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server */}
        <img src={qrDataUrl} width={280} height={280} alt={`QR code to add ${account} to your authenticator app`} />
      </div>
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
      <h2>Can&apos;t scan? Type or paste this key into the app</h2>
      <dl className="key-box">
        <dt>Setup key</dt>
        <dd className="key" data-testid="setup-key">
          {groupKey(secret)}
        </dd>
      </dl>
      <p className="hint">
        The key uses letters and the numbers 2 to 7 only, so O and I are always letters, never zero or one.
      </p>
      <p className="hint">
        If the app asks for a name, type: {issuer} ({account})
      </p>
      <CopyButton text={secret} label="Copy key" />
    </>
  );
}
