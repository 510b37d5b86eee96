"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { EmailField } from "@/components/email-field";
import { SubmitButton } from "@/components/submit-button";
import { TextField } from "@/components/text-field";
import type { ActionState } from "@/lib/action-state";
import { signInWithPassword } from "./actions";

/** `notice` (such as "You've signed out.") shows only until the first answer, so it never sits above an error. */
export function SignInForm({ notice }: { notice?: string }) {
  const [state, action] = useActionState<ActionState, FormData>(signInWithPassword, {});
  const errors = state.fieldErrors ?? {};
  return (
    <ActionForm
      action={action}
      state={state}
      notice={
        notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )
      }
    >
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
    </ActionForm>
  );
}
