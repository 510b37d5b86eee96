/** What every form action returns when it does not redirect. */
export type ActionState = {
  /** One message for the whole form, announced to screen readers. */
  message?: string;
  fieldErrors?: Partial<Record<string, string>>;
  /** What the person typed (never a password), so a failed submit does not clear the form. */
  values?: Record<string, string>;
};

/** A form value echoed back for re-display: strings only, and never more than a field could hold. */
export function echo(value: FormDataEntryValue | null, max = 254): string {
  return typeof value === "string" ? value.slice(0, max) : "";
}

/** A FormData entry as zod should see it: a missing field is undefined, a file stays a non-string. */
export function entry(formData: FormData, name: string): unknown {
  const value = formData.get(name);
  return value === null ? undefined : value;
}

/**
 * A server action is a public endpoint: a forged request can hand it anything as `formData`. Read
 * fields through this, and a non-form body is simply an empty form (a clear message, never a 500).
 */
export function formOf(value: unknown): FormData {
  return value instanceof FormData ? value : new FormData();
}
