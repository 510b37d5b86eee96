import { NextResponse } from "next/server";
import { currentChallenge } from "@/lib/challenge-cookie";
import { getConfig } from "@/lib/config";
import { phoneSetupUnderway } from "@/lib/factors/phone/phones";
import { renderMessage } from "@/lib/messages";

/**
 * NextAuth's error page. A code posted without JavaScript that was refused lands here with
 * `?error=<message>`, and goes back to the step it came from with that message; only known
 * message keys (and a number) pass through.
 */
export async function GET(request: Request) {
  const raw = new URL(request.url).searchParams.get("error") ?? "";
  const { key } = renderMessage(raw);
  const param = raw.split(":")[1];
  const encoded = param && /^-?\d{1,4}$/.test(param) ? `${key}:${param}` : key;
  const challenge = await currentChallenge();
  const phoneSetup = challenge?.purpose === "enroll" && (await phoneSetupUnderway(challenge.userId, challenge.id));
  const step = !challenge ? "/sign-in" : challenge.purpose === "enroll" ? (phoneSetup ? "/enroll/phone" : "/enroll") : "/sign-in/code";
  const target = new URL(step, getConfig().appUrl);
  target.searchParams.set(step === "/sign-in" ? "notice" : "error", challenge ? encoded : "challengeExpired");
  return NextResponse.redirect(target, 303);
}
