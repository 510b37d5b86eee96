"use client";

import Link from "next/link";
import { useActionState } from "react";
import { FormMessage } from "@/components/form-message";
import { NewPasswordField } from "@/components/new-password-field";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { messages } from "@/lib/messages";
import { setNewPassword } from "./actions";

export function ResetForm({ token, first }: { token: string; first: boolean }) {
  const [state, action] = useActionState<ActionState, FormData>(setNewPassword, {});
  return (
    <form action={action} noValidate>
      <FormMessage message={state.message} />
      {state.message === messages.resetLinkInvalid && (
        <p>
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      )}
      <input type="hidden" name="token" value={token} />
      <NewPasswordField label={first ? "Password" : "New password"} error={state.fieldErrors?.password} />
      <SubmitButton pendingText="Saving…">{first ? "Save my password" : "Set new password"}</SubmitButton>
    </form>
  );
}
