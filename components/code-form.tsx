"use client";

import { useState, useTransition, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { renderMessage } from "@/lib/messages";
import { CodeInput } from "./code-input";

/**
 * The second factor: posts the code to NextAuth's "totp" credentials provider, which checks it
 * against the challenge this browser got from the password step (or from sign-up).
 */
export function CodeForm({
  submitLabel,
  onSuccessPath,
  allowRecovery = false,
  issuer,
  autoFocus = false,
}: {
  submitLabel: string;
  onSuccessPath: string;
  allowRecovery?: boolean;
  issuer: string;
  autoFocus?: boolean;
}) {
  const [message, setMessage] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [recovery, setRecovery] = useState(false);
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const code = String(new FormData(form).get("code") ?? "");
    startTransition(async () => {
      setMessage(null);
      const result = await signIn("totp", { code, redirect: false }).catch(() => undefined);
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

  return (
    <form onSubmit={submit} noValidate>
      <div className="alert" role="status" aria-live="assertive" aria-atomic="true">
        {message}
        {expired && (
          <>
            {" "}
            <a href="/sign-in">Go to sign-in</a>
          </>
        )}
      </div>
      <CodeInput recovery={recovery} invalid={Boolean(message)} issuer={issuer} autoFocus={autoFocus} />
      <button type="submit" disabled={pending} aria-disabled={pending}>
        {pending ? "Checking…" : submitLabel}
      </button>
      {allowRecovery && (
        <button type="button" className="link-button" onClick={() => setRecovery(!recovery)}>
          {recovery ? "Use the code from my app instead" : "Lost your phone? Use a recovery code"}
        </button>
      )}
    </form>
  );
}
