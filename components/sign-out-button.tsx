"use client";

import { useTransition } from "react";
import { signOut } from "next-auth/react";
import { endSignInAttempt } from "@/app/sign-out/actions";

/** Ends both a half-finished sign-in (challenge cookie) and a full NextAuth session. */
export function SignOutButton({ className = "secondary", label = "Sign out" }: { className?: string; label?: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          await endSignInAttempt();
          await signOut({ redirect: false }).catch(() => undefined);
          window.location.assign("/sign-in?notice=signedOut");
        })
      }
    >
      {pending ? "Signing out…" : label}
    </button>
  );
}
