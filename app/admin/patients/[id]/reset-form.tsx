"use client";

import { useActionState } from "react";
import { CodeInput } from "@/components/code-input";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { resetPatient } from "../../actions";

export function ResetForm({ patientId }: { patientId: string }) {
  const [state, action] = useActionState<ActionState, FormData>(resetPatient, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} noValidate>
      <FormMessage message={state.message} />
      <input type="hidden" name="patientId" value={patientId} />
      <div className="field">
        <label htmlFor="field-reason">Reason (the patient will see it)</label>
        <textarea
          id="field-reason"
          name="reason"
          rows={3}
          maxLength={500}
          required
          defaultValue={state.values?.reason}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? "field-reason-error" : undefined}
        />
        {errors.reason && (
          <span id="field-reason-error" className="field-error">
            {errors.reason}
          </span>
        )}
      </div>
      <p className="hint">Confirm with the code from your own authenticator app.</p>
      <CodeInput invalid={Boolean(errors.code)} />
      {errors.code && <span className="field-error">{errors.code}</span>}
      <SubmitButton pendingText="Resetting…">Reset two-step sign-in</SubmitButton>
    </form>
  );
}
