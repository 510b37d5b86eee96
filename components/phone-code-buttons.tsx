"use client";

import { useEffect, useState } from "react";

/**
 * "Send again" and "Call me instead", each a plain form posting to a server action (works without
 * JavaScript; the server enforces the cooldown either way). With JavaScript the buttons count down
 * the cooldown visibly instead of letting a patient press into a refusal.
 */
export function PhoneCodeButtons({
  action,
  cooldownSeconds,
  voice,
  textLabel = "Send a new code by text",
  hidden = {},
  sent = true,
}: {
  action: (formData: FormData) => Promise<void>;
  cooldownSeconds: number;
  voice: boolean;
  textLabel?: string;
  /** Fields each form carries along (such as where a step-up goes next). */
  hidden?: Record<string, string>;
  /** Whether a code was already sent: "didn't get it?" only makes sense after one was. */
  sent?: boolean;
}) {
  const [left, setLeft] = useState(cooldownSeconds);
  const [counting, setCounting] = useState(false);
  useEffect(() => {
    setCounting(true);
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft((value) => value - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  const waiting = counting && left > 0;
  return (
    <div className="actions mt">
      <p className="muted" data-testid="resend-cooldown">
        {left > 0 ? `You can ask for another code in ${left} ${left === 1 ? "second" : "seconds"}.` : sent ? "Didn't get it? Ask for another code." : ""}
      </p>
      {/* Said once when the wait is over, not every second of the countdown. */}
      <p className="sr-only" role="status">
        {counting && left <= 0 && cooldownSeconds > 0 ? "You can ask for another code now." : ""}
      </p>
      <form action={action}>
        {Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
        <input type="hidden" name="channel" value="sms" />
        <button type="submit" className="secondary" disabled={waiting} aria-disabled={waiting}>
          {textLabel}
        </button>
      </form>
      {voice && (
        <form action={action}>
          {Object.entries(hidden).map(([name, value]) => <input key={name} type="hidden" name={name} value={value} />)}
          <input type="hidden" name="channel" value="voice" />
          <button type="submit" className="secondary" disabled={waiting} aria-disabled={waiting}>
            Call me instead
          </button>
        </form>
      )}
    </div>
  );
}
