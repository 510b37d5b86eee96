"use client";

import { useActionState } from "react";
import { EmailField } from "@/components/email-field";
import { ActionForm } from "@/components/action-form";
import { NewPasswordField } from "@/components/new-password-field";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionState } from "@/lib/action-state";
import { signUp } from "./actions";

export function SignUpForm() {
  const [state, action] = useActionState<ActionState, FormData>(signUp, {});
  const errors = state.fieldErrors ?? {};
  return (
    <ActionForm action={action} state={state}>
      <EmailField autoComplete="email" defaultValue={state.values?.email} error={errors.email} />
      <TextField
        name="name"
        label="Your name (optional)"
        autoComplete="name"
        maxLength={100}
        defaultValue={state.values?.name}
        error={errors.name}
      />
      <NewPasswordField error={errors.password} />
      <SubmitButton pendingText="Creating your account…">Create account</SubmitButton>
    </ActionForm>
  );
}
