"use client";

import { useActionState } from "react";
import { RecoveryCodeList } from "@/components/recovery-code-list";
import { SubmitButton } from "@/components/submit-button";
import { createNewRecoveryCodes, type NewCodesState } from "./actions";

type Sheet = { account: string; clinic: string; address: string; created: string };

export function NewCodesForm({ sheet }: { sheet: Sheet }) {
  const [state, action] = useActionState<NewCodesState>(createNewRecoveryCodes, {});
  if (state.codes) {
    return (
      <>
        <p className="notice" role="status">
          Here is your new set. Your old recovery codes no longer work. This is the only time these are shown.
        </p>
        <RecoveryCodeList codes={state.codes} {...sheet} />
      </>
    );
  }
  return (
    <form action={action}>
      <SubmitButton pendingText="Creating…">Create a new set of codes</SubmitButton>
    </form>
  );
}
