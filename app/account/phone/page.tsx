import type { Metadata } from "next";
import Link from "next/link";
import { CodeInput } from "@/components/code-input";
import { PhoneCodeButtons } from "@/components/phone-code-buttons";
import { PhoneNumberForm } from "@/components/phone-number-form";
import { isNumberProblem } from "@/lib/factors/phone/numbers";
import { typedNumber } from "@/lib/factors/phone/typed-number";
import { getConfig } from "@/lib/config";
import { cooldownLeft } from "@/lib/factors/phone/codes";
import { numberChallenge, phoneSettingsOf } from "@/lib/factors/phone/settings";
import { fromUrl, renderMessage, SENT } from "@/lib/messages";
import { requireStepUp } from "@/lib/step-up";
import { cancelNumber, confirmNumber, removeNumber, resendNumber, startNumber } from "./actions";

export const metadata: Metadata = { title: "Phone for codes by text or call" };

type Props = { searchParams: Promise<{ sent?: string | string[]; problem?: string | string[]; done?: string | string[] }> };

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function PhoneSettingsPage({ searchParams }: Props) {
  const { account, session } = await requireStepUp("/account/phone");
  const config = getConfig();
  const params = await searchParams;
  const [sent, problem, done] = [fromUrl(params.sent, SENT), one(params.problem), fromUrl(params.done, ["phoneAddedDone", "phoneChangedDone", "phonePendingCancelled", "phoneRemovedDone"])];
  const phone = await phoneSettingsOf(account.id);
  const voice = config.phone.codes === "sms+voice";
  const off = config.phone.codes === "off";
  return (
    <>
      <section className="card">
        <h1>Phone for codes by text or call</h1>
        {done && (
          <p className="notice" role="status" data-testid="phone-done">
            {renderMessage(done).text}
          </p>
        )}
        {problem && !isNumberProblem(problem) && (
          <p className="alert" role="alert" data-testid="phone-problem">
            {renderMessage(problem).text}
          </p>
        )}
        <p>
          {phone.active
            ? `Codes can go to your phone ending ${phone.active.last}${phone.hasOtherFactor ? ", as a backup" : ""}.`
            : "Add a phone as a backup: when you can't use your authenticator app, we can text you a code" + (voice ? " or read it to you in a call." : ".")}
        </p>
        <p className="muted">
          {/* NIST SP 800-63B calls text and voice codes "restricted" authenticators. */}
          An authenticator app is safer: text messages and calls can be intercepted or redirected to another phone.{" "}
          {phone.hasOtherFactor ? (
            "Your usual way of signing in stays as it is; the phone is only used when you ask for a code."
          ) : (
            <>
              If you have a smartphone, <a href="/account/new-phone">set up an authenticator app</a> and keep this phone as a backup.
            </>
          )}
        </p>
        {off && <p>{renderMessage("phoneCodesOff").text}</p>}
      </section>

      {phone.waiting && !off && (
        <section className="card">
          <h2>Enter the code we sent to your phone ending {phone.waiting.last}</h2>
          {sent && (
            <p className="notice" role="status" data-testid="phone-notice">
              {renderMessage(sent).text}
            </p>
          )}
          <p className="muted">{phone.active ? `Until you enter it, codes still go to your phone ending ${phone.active.last}.` : "We'll use this phone once you type the code we sent to it."}</p>
          <form action={confirmNumber} noValidate>
            <CodeInput issuer={config.issuer} hint="The 6 digits from our text message or call. A code works once, for 5 minutes." />
            <div className="actions">
              <button type="submit">Confirm this number</button>
            </div>
          </form>
          <PhoneCodeButtons action={resendNumber} cooldownSeconds={await cooldownLeft(numberChallenge(session.id))} voice={voice} />
          <form action={cancelNumber} className="actions mt">
            <button type="submit" className="secondary">
              Cancel: don&apos;t use this number
            </button>
          </form>
        </section>
      )}

      {!off && (
        <section className="card">
          <h2>{phone.active ? "Change the number" : "Add a phone for codes by text or call (backup)"}</h2>
          <PhoneNumberForm
            action={startNumber}
            label={phone.active ? "New phone number" : "Phone number"}
            countries={config.phone.countries}
            defaultRegion={config.phone.defaultRegion}
            voice={voice}
            hintExtra={`We send a code to it first${phone.active ? "; your current number keeps working until you enter it" : ""}.`}
            problem={isNumberProblem(problem) ? problem : undefined}
            typed={await typedNumber("/account/phone", account.id, problem)}
          />
        </section>
      )}

      {phone.active && (
        <section className="card">
          <h2>Remove the phone</h2>
          <p className="muted">
            {phone.hasOtherFactor
              ? "We'll stop sending codes to it. You sign in with your authenticator app (or a recovery code)."
              : "Your phone is your only second step: set up an authenticator app first, or change the number instead."}
          </p>
          <form action={removeNumber} className="actions">
            <button type="submit" className="secondary">
              Remove this phone
            </button>
          </form>
        </section>
      )}
      <p className="mt">
        <Link href="/home">Back to your account</Link>
      </p>
    </>
  );
}
