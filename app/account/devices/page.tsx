import type { Metadata } from "next";
import Link from "next/link";
import { ContactClinic } from "@/components/contact-clinic";
import { clinicDateTime } from "@/lib/clinic-time";
import { requireSession } from "@/lib/session";
import { listOpenSessions } from "@/lib/sessions";
import { describeUserAgent } from "@/lib/user-agent";
import { signOutDevice, signOutOtherDevices } from "./actions";

export const metadata: Metadata = { title: "Signed-in devices" };

const DONE: Record<string, string> = {
  one: "That device was signed out.",
  others: "Every other device was signed out.",
  none: "That device was already signed out.",
};

type Props = { searchParams: Promise<{ done?: string | string[] }> };

export default async function DevicesPage({ searchParams }: Props) {
  const { account, session } = await requireSession();
  const devices = await listOpenSessions(account.id);
  const { done } = await searchParams;
  const doneText = typeof done === "string" ? DONE[done] : undefined;
  const others = devices.filter((d) => d.id !== session.id);
  return (
    <section className="card">
      <h1>Signed-in devices</h1>
      {doneText && (
        <p className="notice" role="status">
          {doneText}
        </p>
      )}
      <p className="muted">
        Every browser where your account is signed in now. Don&apos;t recognise one? Sign it out, change your password and{" "}
        <ContactClinic />.
      </p>
      <ul className="device-list" data-testid="devices">
        {devices.map((device) => {
          const name = describeUserAgent(device.userAgent);
          const current = device.id === session.id;
          return (
            <li key={device.id} className="device-item">
              <p>
                <strong>{name}</strong>
                {current && <span className="status-on"> (this device)</span>}
              </p>
              <p className="muted">
                From {device.ip ?? "an unknown address"}. Signed in {clinicDateTime(device.createdAt)}; last seen{" "}
                {clinicDateTime(device.lastSeenAt)}.
              </p>
              {!current && (
                <form action={signOutDevice}>
                  <input type="hidden" name="sessionId" value={device.id} />
                  <button type="submit" className="secondary">
                    Sign out<span className="sr-only"> {name}, signed in {clinicDateTime(device.createdAt)}</span>
                  </button>
                </form>
              )}
            </li>
          );
        })}
      </ul>
      {others.length > 0 && (
        <form action={signOutOtherDevices} className="mt">
          <button type="submit">Sign out everywhere else</button>
        </form>
      )}
      <p className="mt">
        <Link href="/home">Back to your account</Link>
      </p>
    </section>
  );
}
