import Link from "next/link";
import { searchAccounts } from "@/lib/admin";
import { clinicDate } from "@/lib/clinic-time";
import { requireAdmin } from "@/lib/session";
import { adminMetadata } from "./admin-metadata";

export const generateMetadata = adminMetadata("Patients");

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

type Props = { searchParams: Promise<{ q?: string | string[]; after?: string | string[] }> };

export default async function AdminPatientsPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  const q = first(params.q).slice(0, 254);
  const after = first(params.after) || null;
  const { rows, next } = await searchAccounts(q, after);
  return (
    <section className="card">
      <h1>Patients</h1>
      <form method="get" className="search-form" role="search">
        <label htmlFor="q" className="sr-only">
          Name or email
        </label>
        <input id="q" name="q" type="search" defaultValue={q} placeholder="Name or any part of an email" maxLength={254} />
        <button type="submit">Search</button>
      </form>
      <div className="table-scroll mt" role="region" aria-label="Patients found" tabIndex={0}>
      <table className="activity">
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Two-step</th>
            <th scope="col">Last sign-in</th>
            <th scope="col">Locked</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>
                <Link href={`/admin/patients/${row.id}`}>{row.email}</Link>
                {row.role === "admin" && <span className="muted"> (admin)</span>}
              </td>
              <td>{row.name ?? "—"}</td>
              <td>{row.enrolledAt ? `since ${clinicDate(row.enrolledAt)}` : "not set up"}</td>
              <td>{row.lastSignInAt ? clinicDate(row.lastSignInAt) : "never"}</td>
              <td>{row.lockedUntil ? "locked" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
      {rows.length === 0 && <p className="mt">No accounts match.</p>}
      <p className="actions mt">
        {after && <Link href={`/admin?q=${encodeURIComponent(q)}`}>First page</Link>}
        {next && <Link href={`/admin?q=${encodeURIComponent(q)}&after=${encodeURIComponent(next)}`}>Next page</Link>}
      </p>
    </section>
  );
}
