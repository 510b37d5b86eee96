import type { Metadata, Viewport } from "next";
import { getConfig } from "@/lib/config";
import "./globals.css";

// Every page depends on who is asking; none is prerendered at build time (builds need no secrets).
export const dynamic = "force-dynamic";

/** The same name patients see in their authenticator app (TOTP_ISSUER). */
export function generateMetadata(): Metadata {
  const name = getConfig().issuer;
  return {
    title: { default: name, template: `%s · ${name}` },
    description: "Sign in to the clinic's patient portal.",
    referrer: "same-origin",
  };
}

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  colorScheme: "light dark",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          {/* A plain link: next/link's client router code would be the largest script on the sign-in pages. */}
          <a href="/" className="site-name">
            {getConfig().issuer}
          </a>
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
