"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { CodeInput } from "@/components/code-input";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionState } from "@/lib/action-state";
import { assignTokenAction, importTokensAction, releaseTokenAction } from "./actions";

function Note({ error, defaultValue }: { error?: string; defaultValue?: string }) {
  return (
    <TextField
      name="reason"
      label="Internal note (audit log only)"
      hint="Why, and how you checked who you are dealing with."
      maxLength={500}
      required
      defaultValue={defaultValue}
      error={error}
    />
  );
}

export function ImportForm() {
  const [state, action] = useActionState<ActionState, FormData>(importTokensAction, {});
  return (
    <ActionForm action={action} state={state}>
      <div className="field">
        <label htmlFor="field-file">Vendor file (CSV or PSKC)</label>
        <span id="field-file-hint" className="hint">
          CSV lines: serial, secret (hex or base32), digits. PSKC: the XML file, without encryption. Nothing is imported if any line is wrong.
        </span>
        <input
          id="field-file"
          name="file"
          type="file"
          accept=".csv,.txt,.xml,.pskc,text/csv,text/plain,application/xml,text/xml"
          aria-describedby={state.fieldErrors?.file ? "field-file-hint field-file-error" : "field-file-hint"}
          aria-invalid={state.fieldErrors?.file ? true : undefined}
        />
        {state.fieldErrors?.file && (
          <span id="field-file-error" className="field-error">
            {state.fieldErrors.file}
          </span>
        )}
      </div>
      <div className="field">
        <label htmlFor="field-text">…or paste its contents</label>
        <textarea id="field-text" name="text" rows={4} spellCheck={false} autoComplete="off" />
      </div>
      <div className="actions">
        <SubmitButton pendingText="Importing…">Import keyfobs</SubmitButton>
      </div>
    </ActionForm>
  );
}

export function AssignForm({ patientId, issuer }: { patientId: string; issuer: string }) {
  const [state, action] = useActionState<ActionState, FormData>(assignTokenAction, {});
  const errors = state.fieldErrors ?? {};
  return (
    <ActionForm action={action} state={state}>
      <input type="hidden" name="patientId" value={patientId} />
      <TextField name="serial" label="Keyfob serial number" hint="As printed on the keyfob." maxLength={64} required autoComplete="off" defaultValue={state.values?.serial} error={errors.serial} />
      <Note error={errors.reason} defaultValue={state.values?.reason} />
      <p className="hint">Confirm with the code from your own authenticator app.</p>
      <CodeInput invalid={Boolean(errors.code)} issuer={issuer} errorId="field-code-error" />
      {errors.code && (
        <span id="field-code-error" className="field-error">
          {errors.code}
        </span>
      )}
      <div className="actions">
        <SubmitButton pendingText="Assigning…">Assign keyfob</SubmitButton>
      </div>
    </ActionForm>
  );
}

export function ReleaseForm({ serial, patientId }: { serial?: string; patientId?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(releaseTokenAction, {});
  const errors = state.fieldErrors ?? {};
  return (
    <ActionForm action={action} state={state}>
      {patientId && <input type="hidden" name="patientId" value={patientId} />}
      {serial ? (
        <input type="hidden" name="serial" value={serial} />
      ) : (
        <TextField name="serial" label="Keyfob serial number" maxLength={64} required autoComplete="off" defaultValue={state.values?.serial} error={errors.serial} />
      )}
      {serial && errors.serial && <p className="field-error">{errors.serial}</p>}
      <fieldset className="field">
        <legend>What happens to the keyfob</legend>
        <label>
          <input type="radio" name="to" value="free" defaultChecked /> Taken back: it can be handed out again
        </label>
        <label>
          <input type="radio" name="to" value="lost" /> Lost or stolen: its codes never work again
        </label>
        {errors.to && <span className="field-error">{errors.to}</span>}
      </fieldset>
      <Note error={errors.reason} defaultValue={state.values?.reason} />
      <div className="actions">
        <SubmitButton pendingText="Saving…">Save</SubmitButton>
      </div>
    </ActionForm>
  );
}
