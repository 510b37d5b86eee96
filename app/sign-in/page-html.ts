import "server-only";
import type { ActionState } from "@/lib/action-state";
import { html, type Html } from "@/lib/html";

/** One labelled input, as components/text-field.tsx renders it; focus goes to the first wrong one. */
function field(input: { name: string; label: string; type: string; autocomplete: string; maxlength: number; inputmode?: string; value?: string; error?: string; focus: boolean; after?: Html }): Html {
  const id = `field-${input.name}`;
  // A password shown as text must not be capitalised, corrected or sent off to be spell-checked.
  const password = input.type === "password" ? html` autocapitalize="none" autocorrect="off" spellcheck="false"` : "";
  return html`<div class="field"><label for="${id}">${input.label}</label><input id="${id}" name="${input.name}" type="${input.type}" autocomplete="${input.autocomplete}"${password}${
    input.inputmode ? html` inputmode="${input.inputmode}"` : ""
  } required maxlength="${input.maxlength}"${input.value ? html` value="${input.value}"` : ""}${
    input.error ? html` aria-invalid="true" aria-describedby="${id}-error"` : ""
  }${input.focus ? html` autofocus` : ""}>${input.error ? html`<span id="${id}-error" class="field-error">${input.error}</span>` : ""}${input.after ?? ""}</div>`;
}

/** "Show password": only script can do it, so the box stays hidden until SHOW_PASSWORD_SCRIPT runs. */
const SHOW_PASSWORD = html`<label class="show-password" hidden><input type="checkbox" id="show-password" aria-controls="field-password"> Show password</label>`;

/**
 * The page's only script, inline with the request's nonce (a few hundred bytes, no framework).
 * The field is a password field again before the form is sent or the page is left, so the
 * browser never keeps the password among what was typed into text fields, nor shows it on coming back.
 */
export const SHOW_PASSWORD_SCRIPT = `(() => {
  const box = document.getElementById("show-password");
  const field = document.getElementById("field-password");
  if (!box || !field) return;
  const show = () => { field.type = box.checked ? "text" : "password"; };
  box.closest("label").hidden = false;
  box.addEventListener("change", show);
  const hide = () => { box.checked = false; show(); };
  field.form.addEventListener("submit", hide);
  window.addEventListener("pagehide", hide);
  show();
})();`;

/**
 * The sign-in page: a plain form posting to /sign-in, the same markup the React forms render
 * (components/action-form.tsx). An answer with errors moves focus to the first wrong field, or to
 * the message, as the React forms do with script.
 */
export function signInMain(state: ActionState, notice?: string): Html {
  const errors = state.fieldErrors ?? {};
  const summary = state.message ?? Object.values(errors).filter(Boolean).join(" ");
  const firstWrong = errors.email ? "email" : errors.password ? "password" : null;
  return html`<section class="card"><h1>Sign in</h1><p class="muted">Step 1 of 2: your email and password. Next you'll enter your code from your authenticator app, a text or call, or your keyfob.</p><p>New here? <a href="/sign-up">Create an account</a></p><form method="post" action="/sign-in" novalidate><div class="alert" role="status" aria-live="assertive" aria-atomic="true" tabindex="-1"${
    summary && !firstWrong ? html` autofocus` : ""
  }>${summary}</div>${!summary && notice ? html`<p class="notice" role="status">${notice}</p>` : ""}${field({
    name: "email",
    label: "Email address",
    type: "email",
    autocomplete: "username",
    inputmode: "email",
    maxlength: 254,
    value: state.values?.email,
    error: errors.email,
    focus: firstWrong === "email",
  })}${field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", maxlength: 128, error: errors.password, focus: firstWrong === "password", after: SHOW_PASSWORD })}<button type="submit">Continue</button></form><p class="mt"><a href="/forgot-password">Forgot your password?</a></p></section>`;
}
