import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getAccountDetail } from "@/lib/admin";
import { listMessagesFor } from "@/lib/messaging/outbox";
import { listActivity } from "@/lib/security-events";
import { requireAdmin } from "@/lib/session";
import { unlockPatient } from "../../actions";
import { ResetForm } from "./reset-form";

export const metadata: Metadata = { title: "Patient" };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const DONE: Record<string, string> = {
  reset: "Two-step sign-in was reset. The patient was signed out everywhere and will set it up again at their next sign-in.",
  unlock: "The account was unlocked.",
  missing: "That account no longer exists.",
  "reset-link": "A password reset link is on its way to the patient (see Messages below).",
};

const STATUS: Record<string, string> = { queued: "waiting to send", sending: "sending", sent: "sent", failed: "failed" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string }> };

export default async function AdminPatientPage({ params, searchParams }: Props) {
  await requireAdmin();
  const { id } = await params;
  const patient = await getAccountDetail(id);
  if (!patient) notFound();
  const events = await listActivity(patient.id, 20);
  const sent = await listMessagesFor(patient.id, 20);
  const { done } = await searchParams;
  return (
    <>
      {done && DONE[done] && (
        <p className="notice" role="status">
          {DONE[done]}
        </p>
      )}
      <section className="card">
        <h1>{patient.name ?? patient.email}</h1>
        <dl>
          <dt>Email</dt>
          <dd data-testid="patient-email">{patient.email}</dd>
          <dt>Role</dt>
          <dd>{patient.role}</dd>
          <dt>Two-step sign-in</dt>
          <dd data-testid="patient-enrollment">{patient.enrolledAt ? `set up ${when.format(patient.enrolledAt)} UTC` : "not set up"}</dd>
          <dt>Unused recovery codes</dt>
          <dd>{patient.unusedRecoveryCodes}</dd>
          <dt>Last sign-in</dt>
          <dd>{patient.lastSignInAt ? `${when.format(patient.lastSignInAt)} UTC` : "never"}</dd>
          <dt>Locked</dt>
          <dd data-testid="patient-locked">{patient.lockedUntil ? `until ${when.format(patient.lockedUntil)} UTC` : "no"}</dd>
          {patient.enrollmentResetAt && (
            <>
              <dt>Last reset</dt>
              <dd>
                {when.format(patient.enrollmentResetAt)} UTC: {patient.enrollmentResetReason}
              </dd>
            </>
          )}
        </dl>
        {patient.lockedUntil && (
          <form action={unlockPatient}>
            <input type="hidden" name="patientId" value={patient.id} />
            <button type="submit" className="secondary">
              Unlock now
            </button>
          </form>
        )}
      </section>
      {patient.role === "patient" && (
        <p className="card">
          <Link href={`/admin/patients/${encodeURIComponent(patient.id)}/password`}>Help with their password</Link>
        </p>
      )}
      {patient.role === "patient" && patient.enrolledAt && (
        <section className="card">
          <h2>Reset two-step sign-in</h2>
          <p className="muted">
            For a patient who lost their phone and recovery codes. Make sure you know who you are talking to: this is how
            attackers get around two-step sign-in. Their authenticator and recovery codes stop working, they are signed out
            everywhere, and they see your reason when they set up a new phone.
          </p>
          <ResetForm patientId={patient.id} />
        </section>
      )}
      <section className="card">
        <h2>Messages</h2>
        {sent.length === 0 ? (
          <p className="muted">No messages sent to this account yet.</p>
        ) : (
          <table className="activity messages" data-testid="patient-messages">
            <thead>
              <tr>
                <th scope="col">Message</th>
                <th scope="col">Written</th>
                <th scope="col">Delivery</th>
              </tr>
            </thead>
            <tbody>
              {sent.map((message) => (
                <tr key={message.id}>
                  <td>
                    {message.subject}
                    <br />
                    <span className="muted">
                      {message.channel} to {message.recipient}
                    </span>
                  </td>
                  <td>{when.format(message.createdAt)}</td>
                  <td>
                    {STATUS[message.status] ?? message.status}
                    {message.sentAt && ` ${when.format(message.sentAt)}`}
                    {message.attempts > 1 && ` after ${message.attempts} attempts`}
                    {message.status === "queued" && message.lastError && ` (next try ${when.format(message.nextAttemptAt)})`}
                    {message.lastError && message.status !== "sent" && (
                      <>
                        <br />
                        <span className="muted">Last error: {message.lastError}</span>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card">
        <h2>Recent security events</h2>
        <table className="activity">
          <tbody>
            {events.map((event) => (
              <tr key={event.id}>
                <td>{event.label}</td>
                <td>{when.format(event.at)}</td>
                <td>{event.ip ?? "—"}</td>
                <td>{event.detail ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt">
          <Link href={`/admin/audit?patient=${encodeURIComponent(patient.email)}`}>Audit log for this account</Link>
        </p>
      </section>
    </>
  );
}
