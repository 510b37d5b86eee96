"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/submit-button";
import { NewPasswordField } from "@/components/new-password-field";
import type { ActionState } from "@/lib/action-state";
import { changePassword } from "./actions";

export function PasswordForm() {
  const [state, action] = useActionState<ActionState, FormData>(changePassword, {});
  return (
    <form action={action} noValidate>
      <NewPasswordField label="New password" error={state.fieldErrors?.password} />
      <SubmitButton pendingText="Saving…">Change password</SubmitButton>
    </form>
  );
}
