"use client";

import { useActionState } from "react";
import { EmailField } from "@/components/email-field";
import { FormMessage } from "@/components/form-message";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionState } from "@/lib/action-state";
import { signInWithPassword } from "./actions";

export function SignInForm() {
  const [state, action] = useActionState<ActionState, FormData>(signInWithPassword, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} noValidate>
      <FormMessage message={state.message} />
      <EmailField autoComplete="username" defaultValue={state.values?.email} error={errors.email} />
      <TextField
        name="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        required
        maxLength={128}
        error={errors.password}
      />
      <SubmitButton pendingText="Checking…">Continue</SubmitButton>
    </form>
  );
}
