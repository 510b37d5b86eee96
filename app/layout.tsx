import type { Metadata, Viewport } from "next";
import { NavLinks } from "@/components/nav-links";
import { SignOutButton } from "@/components/sign-out-button";
import { getConfig } from "@/lib/config";
import { SITE_DESCRIPTION } from "@/lib/html";
import { getCurrentSession } from "@/lib/session";
import "./globals.css";

// Every page depends on who is asking; none is prerendered at build time (builds need no secrets).
export const dynamic = "force-dynamic";

/** The same name patients see in their authenticator app (TOTP_ISSUER). */
export function generateMetadata(): Metadata {
  const name = getConfig().issuer;
  return {
    title: { default: name, template: `%s · ${name}` },
    description: SITE_DESCRIPTION,
    referrer: "same-origin",
  };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
};

/** lib/html.ts renders the same document without React for /sign-in: keep the two alike. */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const current = await getCurrentSession();
  const links = [{ href: "/home", text: "Your account", within: "/account/" }];
  if (current?.account.role === "admin") links.push({ href: "/admin", text: "Admin", within: "/admin/" });
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          {/* A plain link: next/link's client router code would be the largest script on the sign-in pages. */}
          <a href="/" className="site-name">
            {getConfig().issuer}
          </a>
          {current && (
            <div className="site-tools">
              <NavLinks links={links} label="Main" className="site-nav" />
              <SignOutButton />
            </div>
          )}
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
