import Link from "next/link";
import { requireAdmin } from "@/lib/session";

/** Navigation only: every page and action below checks requireAdmin() itself. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireAdmin();
  return (
    <div className="admin-area">
      <nav className="card actions" aria-label="Admin">
        <Link href="/admin">Patients</Link>
        <Link href="/admin/audit">Audit log</Link>
        <Link href="/home">My account</Link>
      </nav>
      {children}
    </div>
  );
}
