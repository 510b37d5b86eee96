import { TextField } from "./text-field";

/** Choosing a password, at sign-up or when changing it: the same rules and the same advice. */
export function NewPasswordField({ label = "Password", error }: { label?: string; error?: string }) {
  return (
    <TextField
      name="password"
      label={label}
      type="password"
      autoComplete="new-password"
      hint="At least 8 characters. A few unrelated words make a strong, memorable password."
      required
      minLength={8}
      maxLength={128}
      error={error}
    />
  );
}
