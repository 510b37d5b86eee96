import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { ContactClinic } from "@/components/contact-clinic";
import { SignOutButton } from "@/components/sign-out-button";
import { readCsrfToken } from "@/lib/auth-csrf";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { getConfig } from "@/lib/config";
import { PhoneCodeButtons } from "@/components/phone-code-buttons";
import { cooldownLeft, lastDelivery } from "@/lib/factors/phone/codes";
import { signInPhoneOf } from "@/lib/factors/phone/phones";
import { factorsOf } from "@/lib/factors/registry";
import { fromUrl, renderMessage, SEND_ANSWERS } from "@/lib/messages";
import { sendCode } from "./actions";

export const metadata: Metadata = { title: "Enter your code" };

type Props = { searchParams: Promise<{ error?: string | string[]; recovery?: string | string[]; phone?: string | string[] }> };

export default async function CodeStepPage({ searchParams }: Props) {
  const challenge = await currentChallenge();
  if (!challenge) redirect(await signInAgainPath());
  if (challenge.purpose === "enroll") redirect("/enroll");
  const { error, recovery, phone: phoneNotice } = await searchParams;
  const factors = await factorsOf(challenge.userId);
  const kinds = factors.map((factor) => factor.kind);
  // A keyfob's first code finishes its setup: the recovery codes come next, as after an app's setup.
  const firstUse = factors.some((factor) => factor.firstUse);
  const phone = await signInPhoneOf(challenge.userId);
  const onlyPhone = phone !== null && factors.length === 1;
  const voice = getConfig().phone.codes === "sms+voice";
  // Learnt on each load: a text the provider refused (or that ran out of retries) turns into the offer of a call.
  const delivery = phone ? await lastDelivery(challenge.id) : null;
  const smsFailed = delivery?.channel === "sms" && delivery.state === "failed";
  const said = fromUrl(phoneNotice, SEND_ANSWERS);
  const rendered = said && phone ? renderMessage(said) : null;
  // "We've sent a text" is no longer true once it failed; a refusal (say, the send limit) still shows.
  const notice = rendered && !(smsFailed && rendered.key === "phoneCodeSent") ? rendered.text : null;
  return (
    <section className="card">
      <h1>Enter your code</h1>
      <p className="muted">
        {onlyPhone
          ? `Step 2 of 2: the 6-digit code we sent to your phone ending ${phone.last}.`
          : kinds.includes("hotp")
            ? kinds.includes("totp")
              ? "Step 2 of 2: the code from your authenticator app, or press your keyfob's button once and type the code it shows."
              : "Step 2 of 2: press your keyfob's button once and type the code it shows."
            : phone
              ? `Step 2 of 2: the 6-digit code from your authenticator app, or one we send to your phone ending ${phone.last}.`
              : "Step 2 of 2: the 6-digit code from your authenticator app."}
      </p>
      {notice && (
        <p className="notice" role="status" data-testid="phone-notice">
          {notice}
        </p>
      )}
      {notice && delivery?.state === "waiting" && (
        <p className="muted" data-testid="phone-sending">
          {renderMessage("phoneSending").text} <a href="/sign-in/code">Check again</a>
        </p>
      )}
      {smsFailed && (
        <p className="alert" role="alert" data-testid="phone-failed">
          {renderMessage(voice ? "phoneSmsFailed" : "phoneSmsFailedNoCall").text}
        </p>
      )}
      <CodeForm
        issuer={getConfig().issuer}
        submitLabel="Sign in"
        onSuccessPath={firstUse ? "/account/recovery-codes" : "/"}
        csrfToken={await readCsrfToken()}
        initialError={typeof error === "string" ? error : undefined}
        // A refused recovery code (posted without JavaScript) comes back to the recovery field, not the app's.
        initialRecovery={recovery === "1" || (typeof error === "string" && renderMessage(error).key === "recoveryWrong")}
        recoverySwitch={{ recoveryHref: "/sign-in/code?recovery=1", appHref: "/sign-in/code" }}
        autoFocus
        codeHint={
          onlyPhone
            ? "The 6 digits from our text message or call. A code works once, for 5 minutes."
            : delivery
              ? "The 6 digits from our text message or call (they work once, for 5 minutes), or the code your app shows now."
              : undefined
        }
      />
      {phone && (
        <PhoneCodeButtons
          action={sendCode}
          cooldownSeconds={await cooldownLeft(challenge.id)}
          voice={voice}
          textLabel={onlyPhone || delivery ? "Send a new code by text" : "Text me a code instead"}
          sent={delivery !== null}
        />
      )}
      <p className="muted mt">Lost your phone and your recovery codes? <ContactClinic sentenceStart />: staff can reset your setup.</p>
      <div className="actions mt">
        <SignOutButton label="Cancel" />
      </div>
    </section>
  );
}
