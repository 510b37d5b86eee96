import { NavLinks } from "@/components/nav-links";
import { requireAdmin } from "@/lib/session";

/** Navigation only: every page and action below checks requireAdmin() itself. */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireAdmin();
  return (
    <div className="admin-area">
      <NavLinks
        label="Admin"
        className="card admin-nav"
        links={[
          { href: "/admin", text: "Patients", within: "/admin/patients/" },
          { href: "/admin/tokens", text: "Keyfobs" },
          { href: "/admin/audit", text: "Audit log" },
        ]}
      />
      {children}
    </div>
  );
}
