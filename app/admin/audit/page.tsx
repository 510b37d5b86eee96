import Link from "next/link";
import { AUDIT_ACTIONS, listAudit, type AuditAction } from "@/lib/audit";
import { clinicDateTime, clinicTimeZone } from "@/lib/clinic-time";
import { requireAdmin } from "@/lib/session";
import { adminMetadata } from "../admin-metadata";

export const generateMetadata = adminMetadata("Audit log");

const first = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").trim().toLowerCase().slice(0, 254);

type Props = { searchParams: Promise<Record<"admin" | "patient" | "action" | "before", string | string[] | undefined>> };

/** Read-only by design: the audit log has no edit or delete anywhere. */
export default async function AuditPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  const admin = first(params.admin);
  const patient = first(params.patient);
  const action = Object.hasOwn(AUDIT_ACTIONS, first(params.action)) ? (first(params.action) as AuditAction) : undefined;
  const beforeDate = new Date(first(params.before).toUpperCase());
  const before = Number.isNaN(beforeDate.getTime()) ? undefined : beforeDate;
  const rows = await listAudit({ admin: admin || undefined, patient: patient || undefined, action, before });
  const older = rows.length === 50 ? rows[rows.length - 1]!.at.toISOString() : null;
  const query = (extra: Record<string, string>) =>
    new URLSearchParams(Object.entries({ admin, patient, action: action ?? "", ...extra }).filter(([, v]) => v)).toString();
  return (
    <section className="card">
      <h1>Audit log</h1>
      <form method="get" className="admin-filter">
        <label>
          Admin email (any part) <input name="admin" defaultValue={admin} maxLength={254} />
        </label>
        <label>
          Patient email (any part) <input name="patient" defaultValue={patient} maxLength={254} />
        </label>
        <label>
          Action
          <select name="action" defaultValue={action ?? ""}>
            <option value="">Any</option>
            {Object.entries(AUDIT_ACTIONS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <p className="muted mt">Times in {clinicTimeZone()} time.</p>
      <div className="table-scroll" role="region" aria-label="Audit entries" tabIndex={0}>
      <table className="activity" data-testid="audit-log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Whom</th>
            <th scope="col">Why</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>{clinicDateTime(row.at)}</td>
              <td>{row.actorEmail}</td>
              <td>{row.label}</td>
              <td>{row.targetEmail ?? "—"}</td>
              <td>
                {row.reason ?? ""}
                {row.patientMessage && <span className="told">Told the patient: &ldquo;{row.patientMessage}&rdquo;</span>}
              </td>
              <td>
                {row.ip ?? "—"} ({row.via})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {rows.length === 0 && <p className="mt">No entries match.</p>}
      {older && (
        <p className="mt">
          <Link href={`/admin/audit?${query({ before: older })}`}>Older entries</Link>
        </p>
      )}
    </section>
  );
}
