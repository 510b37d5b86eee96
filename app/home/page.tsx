import type { Metadata } from "next";
import { SignOutButton } from "@/components/sign-out-button";
import { requireAccount } from "@/lib/session";

export const metadata: Metadata = { title: "Your account" };

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });

export default async function HomePage() {
  const account = await requireAccount();
  return (
    <section className="card">
      <h1>Welcome{account.name ? `, ${account.name}` : ""}</h1>
      <p>
        Signed in as <strong data-testid="signed-in-email">{account.email}</strong>.
      </p>
      <p>
        Two-step sign-in: <span className="status-on">On</span>
        {account.enrolledAt && <span className="muted"> since {dateFormat.format(account.enrolledAt)} UTC</span>}
      </p>
      <div className="actions">
        <SignOutButton className="" />
      </div>
    </section>
  );
}
