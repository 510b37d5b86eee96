import "server-only";
import { cookies } from "next/headers";
import { getConfig } from "@/lib/config";
import { isNumberProblem } from "./numbers";

/**
 * The number a patient typed, kept for the page that explains why it was refused, so they can
 * correct it instead of typing it all again. Never in the URL (addresses end up in access logs):
 * a five-minute cookie that only the page it came from receives, and only shown to the account
 * that typed it (a clinic kiosk's next patient must not see it). Not kept when the refusal is
 * that it is the number already in use: that number is not to be typed again.
 */
const KEEP_SECONDS = 5 * 60;
const MAX_LENGTH = 32;

const cookieName = () => (getConfig().secureCookies ? "__Secure-phone-typed" : "phone-typed");

/** After a number form's post: keep what was typed when the number was refused, else forget it. */
export async function keepTypedNumber(pagePath: string, userId: string, message: string | null, typed: unknown): Promise<void> {
  const jar = await cookies();
  const options = { path: pagePath, httpOnly: true, sameSite: "strict", secure: getConfig().secureCookies } as const;
  const keep = message !== null && isNumberProblem(message) && !message.startsWith("phoneSameNumber");
  if (keep && typeof typed === "string" && typed.length <= MAX_LENGTH) {
    jar.set(cookieName(), `${userId}|${typed}`, { ...options, maxAge: KEEP_SECONDS });
  } else if (jar.has(cookieName())) {
    jar.delete({ name: cookieName(), ...options });
  }
}

/** For the page: what this account typed, when the problem it shows is about that number. */
export async function typedNumber(userId: string, problem: string | undefined): Promise<string | undefined> {
  if (!isNumberProblem(problem)) return undefined;
  const value = (await cookies()).get(cookieName())?.value ?? "";
  const split = value.indexOf("|");
  return split > 0 && value.slice(0, split) === userId ? value.slice(split + 1, split + 1 + MAX_LENGTH) : undefined;
}
