import type { Metadata } from "next";
import Link from "next/link";
import { searchAccounts } from "@/lib/admin";
import { requireAdmin } from "@/lib/session";

export const metadata: Metadata = { title: "Patients" };

const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
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
      <form method="get" className="actions" role="search">
        <label htmlFor="q" className="sr-only">
          Email or name starts with
        </label>
        <input id="q" name="q" type="search" defaultValue={q} placeholder="Email or name starts with…" maxLength={254} />
        <button type="submit">Search</button>
      </form>
      <table className="activity mt">
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
              <td>{row.enrolledAt ? `since ${day.format(row.enrolledAt)}` : "not set up"}</td>
              <td>{row.lastSignInAt ? day.format(row.lastSignInAt) : "never"}</td>
              <td>{row.lockedUntil ? "locked" : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="mt">No accounts match.</p>}
      <p className="actions mt">
        {after && <Link href={`/admin?q=${encodeURIComponent(q)}`}>First page</Link>}
        {next && <Link href={`/admin?q=${encodeURIComponent(q)}&after=${encodeURIComponent(next)}`}>Next page</Link>}
      </p>
    </section>
  );
}
