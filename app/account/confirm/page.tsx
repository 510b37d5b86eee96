import type { Metadata } from "next";
import Link from "next/link";
import { getConfig } from "@/lib/config";
import { messages } from "@/lib/messages";
import { requireSession } from "@/lib/session";
import { stepUpPage } from "@/lib/step-up";
import { ConfirmForm } from "./confirm-form";

export const metadata: Metadata = { title: "Confirm it's you" };

type Props = { searchParams: Promise<{ next?: string | string[]; recovery?: string | string[] }> };

export default async function ConfirmPage({ searchParams }: Props) {
  await requireSession();
  const query = await searchParams;
  const next = stepUpPage(query.next) ?? "/home";
  return (
    <section className="card">
      <h1>Confirm it&apos;s you</h1>
      <p className="muted">{messages.stepUpRequired} Enter your password and the code from your authenticator app.</p>
      <ConfirmForm next={next} issuer={getConfig().issuer} initialRecovery={query.recovery === "1"} />
      <p className="mt">
        <Link href="/home">Cancel</Link>
      </p>
    </section>
  );
}
