"use client";

import { useEffect, useRef, useState } from "react";
import { TextField } from "./text-field";
import { useHydrated } from "./use-hydrated";

/**
 * Choosing a password, at sign-up or when changing it: the same rules and the same advice. With
 * script, "Show password" lets a patient check what they typed on a small keyboard; it needs
 * script, so without it there is no such box. The field is a password field again before the
 * form is sent or the page is left (a link, a reload, the back-forward cache), so the browser
 * never keeps the password among what was typed into text fields, nor shows it on coming back.
 */
export function NewPasswordField({ label = "Password", error }: { label?: string; error?: string }) {
  const hydrated = useHydrated();
  const [shown, setShown] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const form = input.current?.form;
    if (!form) return;
    const hide = () => {
      if (input.current) input.current.type = "password";
      setShown(false);
    };
    form.addEventListener("submit", hide, { capture: true });
    window.addEventListener("pagehide", hide);
    return () => {
      form.removeEventListener("submit", hide, { capture: true });
      window.removeEventListener("pagehide", hide);
    };
  }, []);
  return (
    <TextField
      ref={input}
      name="password"
      label={label}
      type={shown ? "text" : "password"}
      autoComplete="new-password"
      autoCapitalize="none"
      autoCorrect="off"
      spellCheck={false}
      hint="At least 8 characters. A few unrelated words make a strong, memorable password."
      required
      minLength={8}
      maxLength={128}
      error={error}
      after={
        hydrated && (
          <label className="show-password">
            <input type="checkbox" checked={shown} onChange={(event) => setShown(event.target.checked)} aria-controls="field-password" />
            Show password
          </label>
        )
      }
    />
  );
}
