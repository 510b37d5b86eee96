import type { ReactNode } from "react";
import { renderMessage } from "@/lib/messages";
import { FocusOnArrival } from "./focus-on-arrival";

/**
 * The number a code goes to first, with "Text me a code" (and "Call me with a code" where calls
 * are on): a plain form posting to a server action, so it works without JavaScript.
 */
export function PhoneNumberForm({
  action,
  label,
  countries,
  defaultRegion,
  voice,
  hintExtra,
  problem,
  typed,
}: {
  action: (formData: FormData) => Promise<void>;
  label: string;
  countries: string[];
  defaultRegion: string;
  voice: boolean;
  /** Said after where numbers may come from, e.g. what happens to the number in use. */
  hintExtra?: ReactNode;
  /** An encoded refusal of the number last sent: shown at the field, which takes the focus (and so comes into view). */
  problem?: string;
  /** What was typed when that refusal came, to correct rather than type again. */
  typed?: string;
}) {
  return (
    <form action={action} noValidate>
      <div className="field">
        <label htmlFor="field-phone">{label}</label>
        <span id="field-phone-hint" className="hint">
          Numbers in {countries.join(", ")}. Without a country code we assume {defaultRegion}.{hintExtra ? <> {hintExtra}</> : null}
        </span>
        {problem && (
          <span id="field-phone-error" className="field-error" role="alert" data-testid="phone-problem">
            {renderMessage(problem).text}
          </span>
        )}
        <input
          id="field-phone"
          name="phone"
          type="tel"
          autoComplete="tel"
          inputMode="tel"
          maxLength={32}
          defaultValue={typed}
          required
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "field-phone-hint field-phone-error" : "field-phone-hint"}
          autoFocus={Boolean(problem)}
        />
        {problem && <FocusOnArrival id="field-phone" />}
      </div>
      <div className="actions">
        <button type="submit" name="channel" value="sms">
          Text me a code
        </button>
        {voice && (
          <button type="submit" name="channel" value="voice" className="secondary">
            Call me with a code
          </button>
        )}
      </div>
    </form>
  );
}
