"use client";

import { useState, useTransition, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { isMessageKey, messages } from "@/lib/messages";

/**
 * The second factor: posts the code to NextAuth's "totp" credentials provider, which checks it
 * against the challenge this browser got from the password step (or from sign-up).
 */
export function CodeForm({ submitLabel, onSuccessPath = "/home" }: { submitLabel: string; onSuccessPath?: string }) {
  const [message, setMessage] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
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
      const key = isMessageKey(result?.error) ? result.error : "somethingWrong";
      setExpired(key === "challengeExpired" || key === "notEnrolling");
      setMessage(messages[key]);
      form.reset();
      form.querySelector<HTMLInputElement>("input[name=code]")?.focus();
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
      <div className="field">
        <label htmlFor="field-code">6-digit code</label>
        <span id="field-code-hint" className="hint">
          Open your authenticator app and type the code shown for this portal. It changes every 30 seconds.
        </span>
        <input
          id="field-code"
          name="code"
          className="code-input"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={12}
          required
          autoFocus
          aria-describedby="field-code-hint"
          aria-invalid={message ? true : undefined}
        />
      </div>
      <button type="submit" disabled={pending} aria-disabled={pending}>
        {pending ? "Checking…" : submitLabel}
      </button>
    </form>
  );
}
