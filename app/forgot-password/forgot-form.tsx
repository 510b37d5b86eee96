"use client";

import { useActionState } from "react";
import { EmailField } from "@/components/email-field";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { askForResetLink } from "./actions";

export function ForgotForm() {
  const [state, action] = useActionState<ActionState, FormData>(askForResetLink, {});
  return (
    <form action={action} noValidate>
      <FormMessage message={state.message} />
      <EmailField autoComplete="email" defaultValue={state.values?.email} error={state.fieldErrors?.email} />
      <SubmitButton pendingText="Sending…">Email me a link</SubmitButton>
    </form>
  );
}
