"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** Links that mark the page you are on (aria-current), also in the server-rendered HTML. */
export function NavLinks({ links, label, className }: { links: { href: string; text: string }[]; label: string; className?: string }) {
  const pathname = usePathname();
  const current = (href: string) => pathname === href || (href !== "/" && href !== "/admin" && pathname.startsWith(`${href}/`)) || (href === "/admin" && pathname.startsWith("/admin/patients"));
  return (
    <nav aria-label={label} className={className}>
      <ul>
        {links.map((link) => (
          <li key={link.href}>
            <Link href={link.href} aria-current={current(link.href) ? "page" : undefined}>
              {link.text}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
