import Link from "next/link";
import { clinicDate } from "@/lib/clinic-time";
import { listTokens, type TokenState } from "@/lib/factors/hotp/tokens";
import { requireAdmin } from "@/lib/session";
import { adminMetadata } from "../admin-metadata";
import { ImportForm, ReleaseForm } from "./token-forms";

export const generateMetadata = adminMetadata("Keyfobs");

const STATES: TokenState[] = ["free", "assigned", "active", "lost"];
const STATE_TEXT: Record<TokenState, string> = {
  free: "free",
  assigned: "handed out, waiting for its first code",
  active: "in use",
  lost: "lost",
};

type Props = { searchParams: Promise<{ state?: string; imported?: string; released?: string }> };

export default async function AdminTokensPage({ searchParams }: Props) {
  await requireAdmin();
  const params = await searchParams;
  const state = STATES.find((s) => s === params.state);
  const rows = await listTokens({ state });
  const imported = Number(params.imported);
  return (
    <>
      {Number.isInteger(imported) && imported > 0 && (
        <p className="notice" role="status">
          Imported {imported} keyfob{imported === 1 ? "" : "s"}.
        </p>
      )}
      {(params.released === "free" || params.released === "lost") && (
        <p className="notice" role="status">
          {params.released === "lost" ? "The keyfob was marked lost." : "The keyfob is free again."}
        </p>
      )}
      <section className="card">
        <h1>Keyfobs</h1>
        <p className="muted">
          Counter-based (HOTP) keyfobs for patients without a smartphone. Assign one from the patient&rsquo;s page; they prove it with one code at
          their next sign-in.
        </p>
        <nav aria-label="Filter by state" className="actions">
          <Link href="/admin/tokens" aria-current={state ? undefined : "page"}>
            All
          </Link>
          {STATES.map((s) => (
            <Link key={s} href={`/admin/tokens?state=${s}`} aria-current={state === s ? "page" : undefined}>
              {s}
            </Link>
          ))}
        </nav>
        <div className="table-scroll mt" role="region" aria-label="Keyfobs" tabIndex={0}>
          <table className="activity" data-testid="token-list">
            <thead>
              <tr>
                <th scope="col">Serial</th>
                <th scope="col">State</th>
                <th scope="col">Patient</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.serial}>
                  <td>{row.serial}</td>
                  <td>{STATE_TEXT[row.state]}</td>
                  <td>{row.holderId ? <Link href={`/admin/patients/${row.holderId}`}>{row.holderEmail}</Link> : "—"}</td>
                  <td>{row.provenAt ? clinicDate(row.provenAt) : row.assignedAt ? clinicDate(row.assignedAt) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {rows.length === 0 && <p className="mt">No keyfobs{state ? ` are ${state}` : " yet"}.</p>}
      </section>
      <section className="card" aria-labelledby="import-heading">
        <h2 id="import-heading">Import keyfobs</h2>
        <ImportForm />
      </section>
      <section className="card" aria-labelledby="release-heading">
        <h2 id="release-heading">Take back or mark lost</h2>
        <ReleaseForm />
      </section>
    </>
  );
}
