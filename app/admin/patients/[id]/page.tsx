import Link from "next/link";
import { notFound } from "next/navigation";
import { DEFAULT_RESET_MESSAGE, getAccountDetail } from "@/lib/admin";
import { clinicDateTime, clinicTimesIn } from "@/lib/clinic-time";
import { getConfig } from "@/lib/config";
import { listMessagesFor } from "@/lib/messaging/outbox";
import { listActivity } from "@/lib/security-events";
import { requireAdmin } from "@/lib/session";
import { unlockPatient } from "../../actions";
import { adminMetadata } from "../../admin-metadata";
import { ResetForm } from "./reset-form";
import { tokenOf } from "@/lib/factors/hotp/tokens";
import { AssignForm, ReleaseForm } from "../../tokens/token-forms";

export const generateMetadata = adminMetadata("Patient");

const DONE: Record<string, string> = {
  reset: "Two-step sign-in was reset. The patient was signed out everywhere and will set it up again at their next sign-in.",
  unlock: "The account was unlocked.",
  missing: "That account no longer exists.",
  "reset-link": "A password reset link is on its way to the patient (see Messages below).",
  keyfob: "The keyfob was assigned. The patient proves it with one code at their next sign-in.",
  "keyfob-free": "The keyfob was taken back.",
  "keyfob-lost": "The keyfob was marked lost; its codes no longer work.",
};

const STATUS: Record<string, string> = { queued: "waiting to send", sending: "sending", sent: "sent", failed: "failed" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ done?: string; reset?: string; keyfob?: string }> };

export default async function AdminPatientPage({ params, searchParams }: Props) {
  await requireAdmin();
  const { id } = await params;
  const patient = await getAccountDetail(id);
  if (!patient) notFound();
  const events = await listActivity(patient.id, 20);
  const { done, reset, keyfob } = await searchParams;
  const token = await tokenOf(patient.id);
  const self = `/admin/patients/${encodeURIComponent(patient.id)}`;
  const displayName = patient.name ?? patient.email;
  const canReset = patient.role === "patient" && Boolean(patient.enrolledAt);
  const sent = await listMessagesFor(patient.id, 20);
  return (
    <>
      {done && DONE[done] && (
        <p className="notice" role="status">
          {DONE[done]}
        </p>
      )}
      <section className="card">
        <h1>{displayName}</h1>
        <dl className="details">
          <dt>Email</dt>
          <dd data-testid="patient-email">{patient.email}</dd>
          <dt>Role</dt>
          <dd>{patient.role}</dd>
          <dt>Two-step sign-in</dt>
          <dd data-testid="patient-enrollment">{patient.enrolledAt ? `set up ${clinicDateTime(patient.enrolledAt)}` : "not set up"}</dd>
          <dt>Unused recovery codes</dt>
          <dd>{patient.unusedRecoveryCodes}</dd>
          <dt>Last sign-in</dt>
          <dd>{patient.lastSignInAt ? clinicDateTime(patient.lastSignInAt) : "never"}</dd>
          <dt>Locked</dt>
          <dd data-testid="patient-locked">{patient.lockedUntil ? `until ${clinicDateTime(patient.lockedUntil)}` : "no"}</dd>
          {patient.enrollmentResetAt && (
            <>
              <dt>Last reset</dt>
              <dd>
                {clinicDateTime(patient.enrollmentResetAt)}. Told the patient: &ldquo;{patient.enrollmentResetReason}&rdquo;
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
      {patient.role === "patient" && (
        <section className="card" id="keyfob" aria-labelledby="keyfob-heading">
          <h2 id="keyfob-heading">Keyfob</h2>
          {token ? (
            <>
              <p data-testid="patient-keyfob">
                {token.serial}: {token.state === "active" ? `in use since ${clinicDateTime(token.provenAt!)}` : "handed out, waiting for its first code"}
              </p>
              <ReleaseForm serial={token.serial} patientId={patient.id} />
            </>
          ) : keyfob === "1" && reset !== "1" ? (
            <AssignForm patientId={patient.id} issuer={getConfig().issuer} />
          ) : (
            <>
              <p className="muted">For a patient without a smartphone: a keyfob shows a new code at each press.</p>
              <p>
                <Link className="button secondary" href={`${self}?keyfob=1#keyfob`}>
                  Assign a keyfob…
                </Link>
              </p>
            </>
          )}
        </section>
      )}
      {canReset && (
        <section className="card danger-zone" id="reset" aria-labelledby="reset-heading">
          {reset === "1" ? (
            <>
              <h2 id="reset-heading">
                Reset two-step sign-in for {displayName}
                {patient.name && <span className="muted"> ({patient.email})</span>}?
              </h2>
              <p>
                Their authenticator and recovery codes stop working at once, they are signed out everywhere, and their next
                sign-in goes straight to setting up a new phone. Make sure you know who you are talking to: this is how attackers
                get around two-step sign-in.
              </p>
              <ResetForm
                patientId={patient.id}
                patientName={displayName}
                issuer={getConfig().issuer}
                defaultMessage={DEFAULT_RESET_MESSAGE}
                cancelHref={self}
              />
            </>
          ) : (
            <>
              <h2 id="reset-heading">Reset two-step sign-in</h2>
              <p className="muted">For a patient who lost their phone and their recovery codes. You will confirm on the next step.</p>
              <p>
                <Link className="button danger" href={`${self}?reset=1#reset`}>
                  Reset two-step sign-in…
                </Link>
              </p>
            </>
          )}
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
                  <td>{clinicDateTime(message.createdAt)}</td>
                  <td>
                    {STATUS[message.status] ?? message.status}
                    {message.sentAt && ` ${clinicDateTime(message.sentAt)}`}
                    {message.attempts > 1 && ` after ${message.attempts} attempts`}
                    {message.status === "queued" && message.lastError && ` (next try ${clinicDateTime(message.nextAttemptAt)})`}
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
        <ul className="event-list">
          {events.map((event) => (
            <li key={event.id}>
              <strong>{event.label}</strong>
              <span>{clinicDateTime(event.at)}</span>
              <span>
                {event.device && `${event.device}, `}
                {event.ip ?? "—"}
              </span>
              {event.detail && <span className="muted">{clinicTimesIn(event.detail)}</span>}
            </li>
          ))}
        </ul>
        {events.length === 0 && <p>No events yet.</p>}
        <p className="mt">
          <Link href={`/admin/audit?patient=${encodeURIComponent(patient.email)}`}>Audit log for this account</Link>
        </p>
      </section>
    </>
  );
}
