"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** `within`: a path prefix whose pages also count as this link's (a patient's page under Patients). */
type NavLink = { href: string; text: string; within?: string };

/** Links that mark the page you are on (aria-current), also in the server-rendered HTML. */
export function NavLinks({ links, label, className }: { links: NavLink[]; label: string; className?: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label={label} className={className}>
      <ul>
        {links.map((link) => {
          const current = pathname === link.href || (link.within !== undefined && pathname.startsWith(link.within));
          return (
            <li key={link.href}>
              <Link href={link.href} aria-current={current ? "page" : undefined}>
                {link.text}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
