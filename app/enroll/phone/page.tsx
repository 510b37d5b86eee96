import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CodeForm } from "@/components/code-form";
import { PhoneCodeButtons } from "@/components/phone-code-buttons";
import { PhoneNumberForm } from "@/components/phone-number-form";
import { isNumberProblem } from "@/lib/factors/phone/numbers";
import { typedNumber } from "@/lib/factors/phone/typed-number";
import { SignOutButton } from "@/components/sign-out-button";
import { readCsrfToken } from "@/lib/auth-csrf";
import { currentChallenge, signInAgainPath } from "@/lib/challenge-cookie";
import { getConfig } from "@/lib/config";
import { cooldownLeft } from "@/lib/factors/phone/codes";
import { phoneOf, phoneSetupUnderway } from "@/lib/factors/phone/phones";
import { fromUrl, renderMessage, SENT } from "@/lib/messages";
import { getCurrentAccount } from "@/lib/session";
import { resendSetupCode, startSetup } from "./actions";

export const metadata: Metadata = { title: "Get codes by text message or phone call" };

type Props = { searchParams: Promise<{ sent?: string | string[]; problem?: string | string[]; error?: string | string[] }> };

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

export default async function PhoneSetupPage({ searchParams }: Props) {
  const challenge = await currentChallenge();
  if (!challenge || challenge.purpose !== "enroll") {
    redirect((await getCurrentAccount()) ? "/home" : await signInAgainPath());
  }
  const config = getConfig();
  const params = await searchParams;
  const sent = fromUrl(params.sent, SENT);
  const problem = one(params.problem);
  const underway = await phoneSetupUnderway(challenge.userId, challenge.id);
  const phone = underway ? await phoneOf(challenge.userId) : null;
  const voice = config.phone.codes === "sms+voice";

  if (config.phone.codes === "off") {
    return (
      <section className="card">
        <h1>Codes by text message or phone call</h1>
        <p>{renderMessage("phoneCodesOff").text}</p>
        <a href="/enroll">Set up an authenticator app</a>
      </section>
    );
  }

  const numberForm = (
    <PhoneNumberForm
      action={startSetup}
      label={phone ? "Use another phone number" : "Phone number"}
      countries={config.phone.countries}
      defaultRegion={config.phone.defaultRegion}
      voice={voice}
      problem={isNumberProblem(problem) ? problem : undefined}
      typed={await typedNumber("/enroll/phone", challenge.userId, problem)}
    />
  );
  const otherProblem = problem && !isNumberProblem(problem) && (
    <p className="alert" role="alert" data-testid="phone-problem">
      {renderMessage(problem).text}
    </p>
  );
  return (
    <>
      <section className="card">
        <h1>Get codes by text message or phone call</h1>
        {phone ? (
          // A code is on its way: typing it is what comes next, so it comes first.
          <>
            <h2>Enter the code we sent to your phone ending {phone.last}</h2>
            {sent && (
              <p className="notice" role="status" data-testid="phone-notice">
                {renderMessage(sent).text}
              </p>
            )}
            {otherProblem}
            <CodeForm
              issuer={config.issuer}
              submitLabel="Finish setup"
              onSuccessPath="/account/recovery-codes"
              csrfToken={await readCsrfToken()}
              initialError={one(params.error)}
              codeHint="The 6 digits from our text message or call. A code works once, for 5 minutes."
            />
            <PhoneCodeButtons action={resendSetupCode} cooldownSeconds={await cooldownLeft(challenge.id)} voice={voice} />
          </>
        ) : (
          <>
            <p>
              No smartphone? We can send your sign-in code to your mobile by text message{voice ? ", or read it to you in a phone call (a landline works too)" : ""}.
            </p>
            <p className="muted">
              An authenticator app is safer: text messages can be intercepted or redirected to another phone. If you have a smartphone,{" "}
              <a href="/enroll">set up an authenticator app instead</a>.
            </p>
            {otherProblem}
            {numberForm}
          </>
        )}
      </section>
      {phone && <section className="card">{numberForm}</section>}
      <section className="card">
        <div className="actions">
          <SignOutButton label="Cancel and sign out" />
        </div>
      </section>
    </>
  );
}
