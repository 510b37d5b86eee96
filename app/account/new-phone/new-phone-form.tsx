"use client";

import { useActionState } from "react";
import { ActionForm } from "@/components/action-form";
import { CodeInput } from "@/components/code-input";
import { SubmitButton } from "@/components/submit-button";
import type { ActionState } from "@/lib/action-state";
import { confirmNewPhone } from "./actions";

export function NewPhoneForm({ issuer }: { issuer: string }) {
  const [state, action] = useActionState<ActionState, FormData>(confirmNewPhone, {});
  const error = state.fieldErrors?.code;
  return (
    <ActionForm action={action} state={state}>
      <CodeInput invalid={Boolean(error)} issuer={issuer} />
      <SubmitButton pendingText="Checking…">Use this phone from now on</SubmitButton>
    </ActionForm>
  );
}
