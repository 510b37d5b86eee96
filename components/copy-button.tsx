"use client";

import { useState } from "react";
import { useHydrated } from "./use-hydrated";

/** Shown only once the page runs script: without it the button could do nothing. */
export function CopyButton({ text, label, onDone }: { text: string; label: string; onDone?: () => void }) {
  const hydrated = useHydrated();
  const [status, setStatus] = useState("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setStatus("Copied.");
    } catch {
      setStatus("Couldn't copy automatically. Select the text and copy it by hand.");
    }
    onDone?.();
  }
  if (!hydrated) return null;
  return (
    <span className="actions">
      <button type="button" className="secondary" onClick={copy}>
        {label}
      </button>
      <span role="status" aria-live="polite" className="hint">
        {status}
      </span>
    </span>
  );
}
