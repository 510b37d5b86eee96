import type { Metadata } from "next";
import Link from "next/link";
import { messages } from "@/lib/messages";
import { confirmationLinkIsLive } from "@/lib/sign-up";
import { confirmAndContinue } from "./actions";

export const metadata: Metadata = { title: "Confirm your email address" };

type Props = { searchParams: Promise<{ token?: string | string[] }> };

/** Opening the link only shows a button: mail scanners that fetch links must not spend it. */
export default async function ConfirmEmailPage({ searchParams }: Props) {
  const { token } = await searchParams;
  const live = typeof token === "string" && (await confirmationLinkIsLive(token));
  return (
    <section className="card">
      <h1>Confirm your email address</h1>
      {live ? (
        <form action={confirmAndContinue}>
          <p>Thanks: this confirms the address. Next, you&apos;ll link an authenticator app on your phone.</p>
          <input type="hidden" name="token" value={token} />
          <button type="submit">Confirm and continue</button>
        </form>
      ) : (
        <>
          <p className="notice" role="status">
            {messages.confirmLinkInvalid}
          </p>
          <p>
            <Link className="button" href="/sign-in">
              Sign in
            </Link>
          </p>
          <p>
            <Link href="/forgot-password">Forgot your password?</Link>
          </p>
        </>
      )}
    </section>
  );
}
