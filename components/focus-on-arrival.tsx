"use client";

import { useEffect } from "react";

/**
 * Brings a refused field into view and focus. `autoFocus` does that when the page loads; after a
 * form posted with script, the router scrolls to the top of the new page instead, so this runs
 * again once it has (on every render that still shows the refusal).
 */
export function FocusOnArrival({ id }: { id: string }) {
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const field = document.getElementById(id);
      field?.focus({ preventScroll: true });
      field?.scrollIntoView({ block: "center" });
    });
    return () => cancelAnimationFrame(frame);
  });
  return null;
}
