import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthenticatorSetup } from "@/components/authenticator-setup";
import { getClientIp } from "@/lib/client-ip";
import { getConfig } from "@/lib/config";
import { renderQrDataUrl } from "@/lib/qr";
import { requireStepUp } from "@/lib/step-up";
import { getOrCreatePendingEnrollment } from "@/lib/two-factor";
import { requestNewPhoneKey } from "./actions";
import { NewPhoneForm } from "./new-phone-form";

export const metadata: Metadata = { title: "Set up a new phone" };

type Props = { searchParams: Promise<{ new?: string }> };

export default async function NewPhonePage({ searchParams }: Props) {
  const { account, session } = await requireStepUp("/account/new-phone");
  const enrollment = await getOrCreatePendingEnrollment({ userId: account.id, ownerId: session.id, kind: "new-phone" }, await getClientIp());
  if (!enrollment) redirect("/home");
  const qr = await renderQrDataUrl(enrollment.uri);
  const { new: replaced } = await searchParams;
  return (
    <>
      <section className="card">
        <h1>Set up your authenticator on a new phone</h1>
        <p>
          Your current phone keeps working until you finish here. Afterwards only the new phone&apos;s codes work, you get
          new recovery codes, and other devices where you are signed in are signed out.
        </p>
        {replaced === "1" && <p className="notice">You have a new key. Any older QR code from this page no longer works.</p>}
        <AuthenticatorSetup {...enrollment} qrDataUrl={qr} />
      </section>
      <section className="card">
        <h2>2. Enter the code the new phone shows</h2>
        <NewPhoneForm issuer={getConfig().issuer} />
      </section>
      <section className="card">
        <form action={requestNewPhoneKey} className="actions">
          <button type="submit" className="secondary">
            Get a new key
          </button>
          <Link href="/home">Cancel</Link>
        </form>
      </section>
    </>
  );
}
