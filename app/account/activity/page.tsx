import type { Metadata } from "next";
import Link from "next/link";
import { listActivity } from "@/lib/security-events";
import { requireAccount } from "@/lib/session";

export const metadata: Metadata = { title: "Recent activity" };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function ActivityPage() {
  const account = await requireAccount();
  const items = await listActivity(account.id);
  return (
    <section className="card">
      <h1>Recent activity</h1>
      <p className="muted">
        The last {items.length} security events on your account (times in UTC). If something here wasn&apos;t you, change
        your password and contact the clinic.
      </p>
      <table className="activity">
        <thead>
          <tr>
            <th scope="col">What</th>
            <th scope="col">When</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>{item.label}</td>
              <td>{when.format(item.at)}</td>
              <td>{item.ip ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt">
        <Link href="/home">Back to your account</Link>
      </p>
    </section>
  );
}
