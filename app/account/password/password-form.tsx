"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { NewPasswordField } from "@/components/new-password-field";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { changePassword } from "./actions";

export function PasswordForm() {
  const [state, action] = useActionState<ActionState, FormData>(changePassword, {});
  return (
    <ActionForm action={action} state={state}>
      <NewPasswordField label="New password" error={state.fieldErrors?.password} />
      <SubmitButton pendingText="Saving…">Change password</SubmitButton>
    </ActionForm>
  );
}
