"use client";

import { startTransition, useEffect, useRef, type FormEvent, type ReactNode } from "react";
import type { ActionState } from "@/lib/action-state";

type Props = {
  action: (formData: FormData) => void;
  state: ActionState;
  children: ReactNode;
  className?: string;
  /** Shown in the announced area before any answer (for example a notice from the previous page). */
  notice?: ReactNode;
};

/** What the announced area says: the form's message, or every field error in order. */
export function errorSummary(state: ActionState): string {
  return state.message ?? Object.values(state.fieldErrors ?? {}).filter(Boolean).join(" ");
}

/**
 * A form for a useActionState action that keeps what was typed when the answer is an error (React
 * would otherwise reset the form), announces the errors, and moves focus to the first wrong field.
 * Without JavaScript it is an ordinary form post to the same action.
 */
export function ActionForm({ action, state, children, className, notice }: Props) {
  const ref = useRef<HTMLFormElement>(null);
  const summary = errorSummary(state);

  useEffect(() => {
    const form = ref.current;
    if (!form || (!state.message && !state.fieldErrors)) return;
    // A refused code is never right again: clear it so the next one starts clean.
    const code = form.elements.namedItem("code");
    if (state.fieldErrors?.code && code instanceof HTMLInputElement) code.value = "";
    const target = form.querySelector<HTMLElement>("[aria-invalid=true]") ?? form.querySelector<HTMLElement>(".alert");
    target?.focus();
  }, [state]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const formData = new FormData(event.currentTarget, submitter);
    startTransition(() => action(formData));
  }

  return (
    <form ref={ref} action={action} onSubmit={submit} noValidate className={className}>
      <div className="alert" role="status" aria-live="assertive" aria-atomic="true" tabIndex={-1}>
        {summary}
      </div>
      {!summary && notice}
      {children}
    </form>
  );
}
