import type { Metadata } from "next";
import Link from "next/link";
import { cache } from "react";
import { messages } from "@/lib/messages";
import { resetLinkState } from "@/lib/password-reset";
import { ResetForm } from "./reset-form";

type Props = { searchParams: Promise<{ token?: string | string[] }> };

/** Once per request: the title and the page ask the same question. */
const linkOf = cache(async (token: string | string[] | undefined) => (typeof token === "string" ? await resetLinkState(token) : null));

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return { title: (await linkOf((await searchParams).token))?.first ? "Choose your password" : "Choose a new password" };
}

/** Opening the link only shows the form: mail scanners that fetch links must not spend it. */
export default async function ResetPasswordPage({ searchParams }: Props) {
  const { token } = await searchParams;
  const link = await linkOf(token);
  return (
    <section className="card">
      <h1>{link?.first ? "Choose your password" : "Choose a new password"}</h1>
      {link && typeof token === "string" ? (
        <>
          <p className="muted">
            {link.first
              ? "This is the password you'll sign in with. After signing in, you'll set up a way to receive sign-in codes."
              : "Every device signed in to your account will be signed out. You'll still need your sign-in code (from your app, phone or keyfob) or a recovery code to sign in."}
          </p>
          <ResetForm token={token} first={link.first} />
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
