import type { Metadata, Viewport } from "next";
import "./globals.css";

// Every page depends on who is asking; none is prerendered at build time (builds need no secrets).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Patient Portal", template: "%s · Patient Portal" },
  description: "Sign in to the clinic's patient portal.",
  referrer: "no-referrer",
};

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
          <span className="site-name">Patient Portal</span>
        </header>
        <main className="page">{children}</main>
      </body>
    </html>
  );
}
