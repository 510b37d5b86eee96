"use client";

import { useState, useTransition, type FormEvent, type MouseEvent } from "react";
import { signIn } from "next-auth/react";
import { renderMessage } from "@/lib/messages";
import { CodeInput } from "./code-input";

/**
 * The second factor: posts the code to NextAuth's "totp" credentials provider, which checks it
 * against the challenge this browser got from the password step (or from sign-up). Without
 * JavaScript the same form posts straight to NextAuth with its CSRF token; a refusal comes back
 * to this page as `?error=` (app/sign-in/retry) and is shown the same way.
 */
export function CodeForm({
  submitLabel,
  onSuccessPath,
  recoverySwitch,
  issuer,
  csrfToken,
  initialError,
  initialRecovery = false,
  autoFocus = false,
  codeHint,
}: {
  submitLabel: string;
  onSuccessPath: string;
  /** Offer a recovery code instead: the pages that switch modes when JavaScript is off. */
  recoverySwitch?: { recoveryHref: string; appHref: string };
  issuer: string;
  /** NextAuth's CSRF token for a post without JavaScript (null: JavaScript fetches it). */
  csrfToken: string | null;
  /** An encoded message from a refused post without JavaScript. */
  initialError?: string;
  initialRecovery?: boolean;
  autoFocus?: boolean;
  /** Where the code comes from, when not from the authenticator app (a text message or call). */
  codeHint?: string;
}) {
  const initial = initialError ? renderMessage(initialError) : null;
  const [message, setMessage] = useState<string | null>(initial?.text ?? null);
  const [expired, setExpired] = useState(initial?.key === "challengeExpired" || initial?.key === "notEnrolling");
  const [recovery, setRecovery] = useState(initialRecovery);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const code = String(new FormData(form).get("code") ?? "");
    startTransition(async () => {
      setMessage(null);
      // next-auth/react reads an error from the answer's URL, which is the callback URL on success:
      // left to default, that is this page's, which carries `?error=` after a refusal without script.
      const result = await signIn("totp", { code, redirect: false, callbackUrl: onSuccessPath }).catch(() => undefined);
      if (result?.ok && !result.error) {
        window.location.assign(onSuccessPath);
        return;
      }
      const { key, text } = renderMessage(result?.error);
      setExpired(key === "challengeExpired" || key === "notEnrolling");
      setMessage(text);
      const input = form.querySelector<HTMLInputElement>("input[name=code]");
      // Clear the refused code, but not one the patient already started typing meanwhile.
      if (input && input.value === code) input.value = "";
      input?.focus();
    });
  }

  function toggleRecovery(event: MouseEvent<HTMLAnchorElement>) {
    event.preventDefault();
    setRecovery(!recovery);
  }

  return (
    <form method="post" action="/api/auth/callback/totp" onSubmit={submit} noValidate>
      {csrfToken && <input type="hidden" name="csrfToken" value={csrfToken} />}
      <input type="hidden" name="callbackUrl" value={onSuccessPath} />
      <div className="alert" role="status" aria-live="assertive" aria-atomic="true">
        {message}
        {expired && (
          <>
            {" "}
            <a href="/sign-in">Go to sign-in</a>
          </>
        )}
      </div>
      {/* A refusal without JavaScript reloads the page at its top: the field (and the reason above it) is brought into view. */}
      <CodeInput recovery={recovery} invalid={Boolean(message)} issuer={issuer} autoFocus={autoFocus || Boolean(initial)} hint={codeHint} />
      <button type="submit" disabled={pending} aria-disabled={pending}>
        {pending ? "Checking…" : submitLabel}
      </button>
      {recoverySwitch && (
        <a className="link-button" href={recovery ? recoverySwitch.appHref : recoverySwitch.recoveryHref} onClick={toggleRecovery}>
          {recovery ? "Use the code from my app instead" : "Lost your phone? Use a recovery code"}
        </a>
      )}
    </form>
  );
}
