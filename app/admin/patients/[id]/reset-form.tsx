"use client";

import Link from "next/link";
import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { CodeInput } from "@/components/code-input";
import type { ActionState } from "@/lib/action-state";
import { useFormStatus } from "react-dom";
import { resetPatient } from "../../actions";

type Props = { patientId: string; patientName: string; issuer: string; defaultMessage: string; cancelHref: string };

function DangerButton({ children }: { children: React.ReactNode }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className="danger" disabled={pending} aria-disabled={pending}>
      {pending ? "Resetting…" : children}
    </button>
  );
}

function TextArea({ name, label, hint, error, defaultValue, maxLength, required = false }: { name: string; label: string; hint: string; error?: string; defaultValue?: string; maxLength: number; required?: boolean }) {
  const id = `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <span id={`${id}-hint`} className="hint">
        {hint}
      </span>
      <textarea
        id={id}
        name={name}
        rows={3}
        maxLength={maxLength}
        required={required}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** The confirmation step: it names the patient, and nothing happens until its danger button is pressed. */
export function ResetForm({ patientId, patientName, issuer, defaultMessage, cancelHref }: Props) {
  const [state, action] = useActionState<ActionState, FormData>(resetPatient, {});
  const errors = state.fieldErrors ?? {};
  return (
    <ActionForm action={action} state={state}>
      <input type="hidden" name="patientId" value={patientId} />
      <TextArea
        name="message"
        label="Message to the patient"
        hint="Shown to the patient when they next sign in. Keep it plain; it is not the place for internal details."
        defaultValue={state.values?.message ?? defaultMessage}
        maxLength={300}
        error={errors.message}
      />
      <TextArea
        name="reason"
        label="Internal note (audit log only)"
        hint="Why, and how you checked who you are talking to. The patient never sees this."
        defaultValue={state.values?.reason}
        maxLength={500}
        required
        error={errors.reason}
      />
      <p className="hint">Confirm with the code from your own authenticator app.</p>
      <CodeInput invalid={Boolean(errors.code)} issuer={issuer} errorId="field-code-error" />
      {errors.code && (
        <span id="field-code-error" className="field-error">
          {errors.code}
        </span>
      )}
      <div className="actions">
        <DangerButton>Yes, reset {patientName}</DangerButton>
        <Link href={cancelHref}>Cancel</Link>
      </div>
    </ActionForm>
  );
}
