import type { ReactNode } from "react";

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
}: {
  action: (formData: FormData) => Promise<void>;
  label: string;
  countries: string[];
  defaultRegion: string;
  voice: boolean;
  /** Said after where numbers may come from, e.g. what happens to the number in use. */
  hintExtra?: ReactNode;
}) {
  return (
    <form action={action} noValidate>
      <div className="field">
        <label htmlFor="field-phone">{label}</label>
        <span id="field-phone-hint" className="hint">
          Numbers in {countries.join(", ")}. Without a country code we assume {defaultRegion}.{hintExtra ? <> {hintExtra}</> : null}
        </span>
        <input id="field-phone" name="phone" type="tel" autoComplete="tel" inputMode="tel" maxLength={32} required aria-describedby="field-phone-hint" />
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
