/** The code field: a 6-digit authenticator code, or in recovery mode one of the patient's recovery codes. */
type Props = { recovery?: boolean; invalid?: boolean; issuer: string; autoFocus?: boolean; errorId?: string; hint?: string };

/** Autofocus only where typing a code is the page's one job (the sign-in code step), never above other content. */
export function CodeInput({ recovery = false, invalid = false, issuer, autoFocus = false, errorId, hint }: Props) {
  return (
    <div className="field">
      <label htmlFor="field-code">{recovery ? "Recovery code" : "6-digit code"}</label>
      <span id="field-code-hint" className="hint">
        {recovery
          ? "One of the codes you saved when you set up the app, like abcd-efgh-jkmn. Each works once."
          : (hint ?? `Open your authenticator app and type the code shown next to “${issuer}”. It changes every 30 seconds.`)}
      </span>
      <input
        key={recovery ? "recovery" : "totp"}
        id="field-code"
        name="code"
        className={recovery ? "recovery-input" : "code-input"}
        inputMode={recovery ? "text" : "numeric"}
        autoComplete={recovery ? "off" : "one-time-code"}
        autoCapitalize="none"
        spellCheck={false}
        maxLength={recovery ? 20 : 12}
        required
        autoFocus={autoFocus}
        aria-describedby={errorId && invalid ? `field-code-hint ${errorId}` : "field-code-hint"}
        aria-invalid={invalid || undefined}
      />
    </div>
  );
}
