import type { Metadata } from "next";
import Link from "next/link";
import { clinicDate } from "@/lib/clinic-time";
import { getConfig } from "@/lib/config";
import { phoneSettingsOf } from "@/lib/factors/phone/settings";
import { isMessageKey, messages } from "@/lib/messages";
import { countUnusedRecoveryCodes } from "@/lib/recovery-codes";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Your account" };

const NOTICES = ["passwordChanged", "newPhoneDone"] as const;

type Props = { searchParams: Promise<{ notice?: string | string[] }> };

export default async function HomePage({ searchParams }: Props) {
  const { account, session } = await requireSession();
  const [unused, phone] = await Promise.all([countUnusedRecoveryCodes(account.id), phoneSettingsOf(account.id)]);
  const phoneCodesOn = getConfig().phone.codes !== "off";
  const { notice } = await searchParams;
  const noticeText = isMessageKey(notice) && (NOTICES as readonly string[]).includes(notice) ? messages[notice] : null;
  return (
    <>
      {session.method === "recovery-code" && (
        <section className="card notice" role="status" data-testid="recovery-notice">
          <p>
            <strong>You signed in with a recovery code.</strong> You have {unused} recovery{" "}
            {unused === 1 ? "code" : "codes"} left. If you lost your phone, set up your authenticator on a new phone now.
          </p>
          <Link className="button" href="/account/new-phone">
            Set up a new phone
          </Link>
        </section>
      )}
      {noticeText && (
        <p className="notice" role="status">
          {noticeText}
        </p>
      )}
      <section className="card">
        <h1>Welcome{account.name ? `, ${account.name}` : ""}</h1>
        <p>
          Signed in as <strong data-testid="signed-in-email">{account.email}</strong>.
        </p>
        <p>
          Two-step sign-in: <span className="status-on">On</span>
          {account.enrolledAt && <span className="muted"> since {clinicDate(account.enrolledAt)}</span>}
        </p>
        <p>
          Recovery codes left: <strong>{unused}</strong>
          {unused <= 3 && <span className="muted"> — consider creating a new set.</span>}
        </p>
      </section>
      <section className="card">
        <h2>Security</h2>
        <nav className="account-links" aria-label="Security settings">
          <Link href="/account/activity">Recent activity</Link>
          <Link href="/account/devices">Signed-in devices</Link>
          <Link href="/account/recovery-codes">Recovery codes</Link>
          <Link href="/account/new-phone">Set up a new phone</Link>
          {phone.active ? (
            <Link href="/account/phone">Phone for codes (ending {phone.active.last})</Link>
          ) : (
            phoneCodesOn && <Link href="/account/phone">Add a phone for codes by text or call (backup)</Link>
          )}
          <Link href="/account/password">Change password</Link>
          {account.role === "admin" && <Link href="/admin">Admin dashboard</Link>}
        </nav>
      </section>
    </>
  );
}
