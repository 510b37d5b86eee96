import type { Metadata } from "next";
import Link from "next/link";
import { messages } from "@/lib/messages";
import { resetLinkIsLive } from "@/lib/password-reset";
import { ResetForm } from "./reset-form";

export const metadata: Metadata = { title: "Choose a new password" };

type Props = { searchParams: Promise<{ token?: string | string[] }> };

/** Opening the link only shows the form: mail scanners that fetch links must not spend it. */
export default async function ResetPasswordPage({ searchParams }: Props) {
  const { token } = await searchParams;
  const live = typeof token === "string" && (await resetLinkIsLive(token));
  return (
    <section className="card">
      <h1>Choose a new password</h1>
      {live ? (
        <>
          <p className="muted">
            Every device signed in to your account will be signed out. You&apos;ll still need your authenticator app (or a
            recovery code) to sign in.
          </p>
          <ResetForm token={token} />
        </>
      ) : (
        <>
          <p className="notice" role="status">
            {messages.resetLinkInvalid}
          </p>
          <p>
            <Link className="button" href="/forgot-password">
              Ask for a new link
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
