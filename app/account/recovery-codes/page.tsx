import type { Metadata } from "next";
import Link from "next/link";
import { RecoveryCodeList } from "@/components/recovery-code-list";
import { getClientIp } from "@/lib/client-ip";
import { clinicDateTime } from "@/lib/clinic-time";
import { getConfig } from "@/lib/config";
import { isMessageKey, messages } from "@/lib/messages";
import { countUnusedRecoveryCodes, issueFirstRecoveryCodes } from "@/lib/recovery-codes";
import { recordEvent } from "@/lib/security-events";
import { requireSession } from "@/lib/session";
import { hasFreshStepUp } from "@/lib/sessions";
import { NewCodesForm } from "./new-codes-form";

export const metadata: Metadata = { title: "Recovery codes" };

const NOTICES = ["newPhoneDone"] as const;

type Props = { searchParams: Promise<{ notice?: string | string[] }> };

export default async function RecoveryCodesPage({ searchParams }: Props) {
  const { account, session } = await requireSession();
  const { notice } = await searchParams;
  const noticeText = isMessageKey(notice) && (NOTICES as readonly string[]).includes(notice) ? messages[notice] : null;
  const sheet = { account: account.email, clinic: getConfig().issuer, address: getConfig().appUrl.origin, created: clinicDateTime(new Date()) };
  // Right after (re-)enrollment the first set is shown once, here; later sets need a step-up.
  const firstCodes = await issueFirstRecoveryCodes(account.id);
  if (firstCodes) {
    // The "set up" email has just gone out; a second one about the codes that came with it is noise.
    await recordEvent("recovery-codes-issued", account.id, await getClientIp(), undefined, { notify: false });
    return (
      <section className="card">
        {noticeText && (
          <p className="notice" role="status">
            {noticeText}
          </p>
        )}
        <h1>Save your recovery codes</h1>
        <p>
          If you lose your phone, each of these codes lets you sign in once instead of a code from the app. Keep them
          somewhere safe, away from your phone: print them, or save them in a password manager.
        </p>
        <p className="notice">This is the only time these codes are shown.</p>
        <RecoveryCodeList codes={firstCodes} {...sheet} continueHref="/" />
      </section>
    );
  }

  const unused = await countUnusedRecoveryCodes(account.id);
  return (
    <section className="card">
      <h1>Recovery codes</h1>
      <p>
        You have <strong data-testid="recovery-codes-left">{unused}</strong> unused recovery {unused === 1 ? "code" : "codes"}.
        For your safety, codes are only shown when they are created.
      </p>
      {hasFreshStepUp(session) ? (
        <NewCodesForm sheet={sheet} />
      ) : (
        <p>
          <Link className="button" href="/account/confirm?next=%2Faccount%2Frecovery-codes">
            Create a new set of codes
          </Link>
        </p>
      )}
      <p className="mt">
        <Link href="/home">Back to your account</Link>
      </p>
    </section>
  );
}
