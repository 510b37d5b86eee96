"use client";

import { useActionState } from "react";
import { CodeInput } from "@/components/code-input";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { printSetupSheet, sendPatientResetLink, type SetupSheetState } from "../../../actions";

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

/** Reason and the admin's own code: the same two questions before any help with a password. */
function StepUpFields({ id, state, issuer }: { id: string; state: ActionState; issuer: string }) {
  const errors = state.fieldErrors ?? {};
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason (kept in the audit log)</label>
        <textarea
          id={`${id}-reason`}
          name="reason"
          rows={2}
          maxLength={500}
          required
          defaultValue={state.values?.reason}
          aria-invalid={errors.reason ? true : undefined}
          aria-describedby={errors.reason ? `${id}-reason-error` : undefined}
        />
        {errors.reason && (
          <span id={`${id}-reason-error`} className="field-error">
            {errors.reason}
          </span>
        )}
      </div>
      <p className="hint">Confirm with the code from your own authenticator app.</p>
      <CodeInput invalid={Boolean(errors.code)} issuer={issuer} />
      {errors.code && <span className="field-error">{errors.code}</span>}
    </>
  );
}

export function SendResetLinkForm({ patientId, issuer }: { patientId: string; issuer: string }) {
  const [state, action] = useActionState<ActionState, FormData>(sendPatientResetLink, {});
  return (
    <form action={action} noValidate aria-label="Email a password reset link">
      <FormMessage message={state.message} />
      <input type="hidden" name="patientId" value={patientId} />
      <StepUpFields id="reset-link" state={state} issuer={issuer} />
      <SubmitButton pendingText="Sending…">Email a reset link</SubmitButton>
    </form>
  );
}

export function SetupSheetForm({ patientId, clinic }: { patientId: string; clinic: string }) {
  const [state, action] = useActionState<SetupSheetState, FormData>(printSetupSheet, {});
  if (state.sheet) {
    const { sheet } = state;
    return (
      <div className="setup-sheet" data-testid="setup-sheet">
        <h3>{clinic}: set a new password</h3>
        <p>
          For {sheet.name ? `${sheet.name} (${sheet.email})` : sheet.email}. Open this address on your phone or computer and
          choose a new password. It works once, until {when.format(sheet.expiresAt)} UTC. You&apos;ll still need your
          authenticator app or a recovery code (or set up the app again if the clinic reset it).
        </p>
        <p className="sheet-link" data-testid="setup-sheet-link">
          {sheet.link}
        </p>
        <p className="no-print notice">This sheet is shown only now. Print it and hand it to the patient.</p>
        <button type="button" onClick={() => window.print()}>
          Print
        </button>
      </div>
    );
  }
  return (
    <form action={action} noValidate aria-label="Print a one-time setup sheet">
      <FormMessage message={state.message} />
      <input type="hidden" name="patientId" value={patientId} />
      <StepUpFields id="setup-sheet" state={state} issuer={clinic} />
      <SubmitButton pendingText="Preparing…">Make a setup sheet</SubmitButton>
    </form>
  );
}
