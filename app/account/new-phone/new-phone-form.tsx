"use client";

import { useActionState } from "react";
import { CodeInput } from "@/components/code-input";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { confirmNewPhone } from "./actions";

export function NewPhoneForm() {
  const [state, action] = useActionState<ActionState, FormData>(confirmNewPhone, {});
  const error = state.fieldErrors?.code;
  return (
    <form action={action} noValidate>
      <div className="alert" role="status" aria-live="assertive" aria-atomic="true">
        {error ?? ""}
      </div>
      <CodeInput invalid={Boolean(error)} />
      <SubmitButton pendingText="Checking…">Use this phone from now on</SubmitButton>
    </form>
  );
}
