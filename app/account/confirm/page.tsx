import type { Metadata } from "next";
import Link from "next/link";
import { getConfig } from "@/lib/config";
import { messages } from "@/lib/messages";
import { requireSession } from "@/lib/session";
import { stepUpPage } from "@/lib/step-up";
import { PhoneCodeButtons } from "@/components/phone-code-buttons";
import { cooldownLeft } from "@/lib/factors/phone/codes";
import { stepUpChallenge } from "@/lib/factors/phone/settings";
import { signInPhoneOf } from "@/lib/factors/phone/phones";
import { factorsOf } from "@/lib/factors/registry";
import { fromUrl, renderMessage, SEND_ANSWERS } from "@/lib/messages";
import { textStepUpCode } from "./actions";
import { ConfirmForm } from "./confirm-form";

export const metadata: Metadata = { title: "Confirm it's you" };

type Props = { searchParams: Promise<{ next?: string | string[]; recovery?: string | string[]; phone?: string | string[] }> };

export default async function ConfirmPage({ searchParams }: Props) {
  const { account, session } = await requireSession();
  const query = await searchParams;
  const next = stepUpPage(query.next) ?? "/home";
  const config = getConfig();
  const [phone, factors] = await Promise.all([signInPhoneOf(account.id), factorsOf(account.id)]);
  const onlyPhone = phone !== null && factors.length === 1;
  const said = fromUrl(query.phone, SEND_ANSWERS);
  const notice = phone && said ? renderMessage(said).text : null;
  return (
    <section className="card">
      <h1>Confirm it&apos;s you</h1>
      <p className="muted">
        {messages.stepUpRequired}{" "}
        {onlyPhone
          ? `Enter your password and a code we send to your phone ending ${phone.last}: ask for it below.`
          : phone
            ? `Enter your password and the code from your authenticator app, or one we send to your phone ending ${phone.last}.`
            : "Enter your password and the code from your authenticator app."}
      </p>
      {notice && (
        <p className="notice" role="status" data-testid="phone-notice">
          {notice}
        </p>
      )}
      <ConfirmForm
        next={next}
        issuer={config.issuer}
        initialRecovery={query.recovery === "1"}
        codeHint={onlyPhone ? "The 6 digits from our text message or call. A code works once, for 5 minutes." : undefined}
      />
      {phone && (
        <PhoneCodeButtons
          action={textStepUpCode}
          cooldownSeconds={await cooldownLeft(stepUpChallenge(session.id))}
          voice={config.phone.codes === "sms+voice"}
          textLabel={onlyPhone ? "Text me a code" : "Text me a code instead"}
          hidden={{ next }}
          sent={said !== undefined}
        />
      )}
      <p className="mt">
        <Link href="/home">Cancel</Link>
      </p>
    </section>
  );
}
