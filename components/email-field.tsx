import { TextField } from "./text-field";

/** The email input of the sign-up and sign-in forms. */
export function EmailField({ defaultValue, error, autoComplete }: { defaultValue?: string; error?: string; autoComplete: "email" | "username" }) {
  return (
    <TextField
      name="email"
      label="Email address"
      type="email"
      autoComplete={autoComplete}
      inputMode="email"
      required
      maxLength={254}
      defaultValue={defaultValue}
      error={error}
    />
  );
}
