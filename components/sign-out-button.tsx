"use client";

import { useFormStatus } from "react-dom";
import { signOutHere } from "@/app/sign-out/actions";

function Button({ className, label }: { className: string; label: string }) {
  const { pending } = useFormStatus();
  return (
    <button type="submit" className={className} disabled={pending} aria-disabled={pending}>
      {pending ? "Signing out…" : label}
    </button>
  );
}

/** Ends both a half-finished sign-in (challenge cookie) and a full session; a plain form, so it works without JavaScript. */
export function SignOutButton({ className = "secondary", label = "Sign out" }: { className?: string; label?: string }) {
  return (
    <form action={signOutHere} className="inline-form">
      <Button className={className} label={label} />
    </form>
  );
}
