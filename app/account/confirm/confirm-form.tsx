"use client";

import { useActionState, useState } from "react";
import { ActionForm } from "@/components/action-form";
import { CodeInput } from "@/components/code-input";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionState } from "@/lib/action-state";
import { confirmItsYou } from "./actions";

/** `initialRecovery`: the page was opened with ?recovery=1 (the switch works without JavaScript too). */
export function ConfirmForm({ next, issuer, initialRecovery = false, codeHint }: { next: string; issuer: string; initialRecovery?: boolean; codeHint?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(confirmItsYou, {});
  const [recovery, setRecovery] = useState(initialRecovery);
  const switchHref = `/account/confirm?next=${encodeURIComponent(next)}${recovery ? "" : "&recovery=1"}`;
  const errors = state.fieldErrors ?? {};
  return (
    <ActionForm action={action} state={state}>
      <input type="hidden" name="next" value={next} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" required maxLength={128} error={errors.password} />
      <CodeInput recovery={recovery} invalid={Boolean(errors.code)} issuer={issuer} errorId="field-code-error" hint={codeHint} />
      {errors.code && (
        <span id="field-code-error" className="field-error">
          {errors.code}
        </span>
      )}
      <SubmitButton pendingText="Checking…">Confirm</SubmitButton>
      <a
        className="link-button"
        href={switchHref}
        onClick={(event) => {
          event.preventDefault();
          setRecovery(!recovery);
        }}
      >
        {recovery ? "Use the code from my app instead" : "Lost your phone? Use a recovery code"}
      </a>
    </ActionForm>
  );
}
