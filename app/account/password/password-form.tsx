"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionState } from "@/lib/action-state";
import { changePassword } from "./actions";

export function PasswordForm() {
  const [state, action] = useActionState<ActionState, FormData>(changePassword, {});
  return (
    <form action={action} noValidate>
      <TextField
        name="password"
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters. A few unrelated words make a strong, memorable password."
        required
        minLength={8}
        maxLength={128}
        error={state.fieldErrors?.password}
      />
      <SubmitButton pendingText="Saving…">Change password</SubmitButton>
    </form>
  );
}
