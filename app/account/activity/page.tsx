import type { Metadata } from "next";
import Link from "next/link";
import { ContactClinic } from "@/components/contact-clinic";
import { clinicDateTime, clinicTimeZone } from "@/lib/clinic-time";
import { listActivity } from "@/lib/security-events";
import { requireAccount } from "@/lib/session";

export const metadata: Metadata = { title: "Recent activity" };

export default async function ActivityPage() {
  const account = await requireAccount();
  const items = await listActivity(account.id);
  return (
    <section className="card">
      <h1>Recent activity</h1>
      <p className="muted">
        The last {items.length} security events on your account (times shown in {clinicTimeZone()}). If something here
        wasn&apos;t you, change your password and <ContactClinic />.
      </p>
      {/* On a phone each row stacks its cells, each with its column's name: no sideways scrolling. */}
      <table className="activity stack">
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
              <td data-label="When">{clinicDateTime(item.at)}</td>
              <td data-label="From">
                {item.device && <span className="device">{item.device}</span>} <span className="address">{item.ip ?? "—"}</span>
              </td>
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
