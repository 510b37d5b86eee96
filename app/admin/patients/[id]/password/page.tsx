import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getAccountDetail } from "@/lib/admin";
import { getConfig } from "@/lib/config";
import { requireAdmin } from "@/lib/session";
import { SendResetLinkForm, SetupSheetForm } from "./staff-reset-forms";

export const metadata: Metadata = { title: "Help with a password" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ how?: string }> };

/** Staff-assisted password reset: an emailed link, or a printed one-time sheet for a patient without email. */
export default async function PatientPasswordPage({ params, searchParams }: Props) {
  await requireAdmin();
  const { id } = await params;
  const patient = await getAccountDetail(id);
  if (!patient || patient.role !== "patient") notFound();
  const { how } = await searchParams;
  const base = `/admin/patients/${encodeURIComponent(patient.id)}`;
  return (
    <section className="card">
      <h1>Help {patient.name ?? patient.email} with their password</h1>
      <p className="muted">
        Check who you are talking to first. The patient chooses a new password through a single-use link; their
        authenticator app (or a recovery code) is still needed to sign in. Your reason goes in the audit log.
      </p>
      {how === "email" ? (
        <>
          <h2>Email a reset link to {patient.email}</h2>
          <SendResetLinkForm patientId={patient.id} issuer={getConfig().issuer} />
        </>
      ) : how === "sheet" ? (
        <>
          <h2>Print a one-time setup sheet</h2>
          <p className="muted">For a patient who can&apos;t get to their email. The link on it works once, for 24 hours.</p>
          <SetupSheetForm patientId={patient.id} clinic={getConfig().issuer} />
        </>
      ) : (
        <nav className="account-links" aria-label="How to help">
          <Link className="button" href={`${base}/password?how=email`}>
            Email them a reset link
          </Link>
          <Link className="button secondary" href={`${base}/password?how=sheet`}>
            Print a one-time setup sheet
          </Link>
        </nav>
      )}
      <p className="mt">
        <Link href={base}>Back to the patient</Link>
      </p>
    </section>
  );
}
