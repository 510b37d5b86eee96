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

/** The pages with a phone-number form, each of which gets back only what was typed into it. */
type NumberPage = "/enroll/phone" | "/account/phone";
const NUMBER_PAGES: NumberPage[] = ["/enroll/phone", "/account/phone"];

/** One name per page: a response sets at most one cookie of each name, whatever its path. */
const cookieName = (page: NumberPage) => `${getConfig().secureCookies ? "__Secure-" : ""}phone-typed${page.replaceAll("/", "-")}`;
const cookieOptions = (path: NumberPage) => ({ path, httpOnly: true, sameSite: "strict", secure: getConfig().secureCookies }) as const;

/** After a number form's post: keep what was typed when the number was refused, else forget it. */
export async function keepTypedNumber(pagePath: NumberPage, userId: string, message: string | null, typed: unknown): Promise<void> {
  const jar = await cookies();
  const options = cookieOptions(pagePath);
  const keep = message !== null && isNumberProblem(message) && !message.startsWith("phoneSameNumber");
  const name = cookieName(pagePath);
  if (keep && typeof typed === "string" && typed.length <= MAX_LENGTH) {
    jar.set(name, `${userId}|${typed}`, { ...options, maxAge: KEEP_SECONDS });
  } else if (jar.has(name)) {
    jar.delete({ name, ...options });
  }
}

/** At sign-out: nothing typed stays in this browser for whoever uses it next. */
export async function forgetTypedNumbers(): Promise<void> {
  const jar = await cookies();
  for (const page of NUMBER_PAGES) jar.delete({ name: cookieName(page), ...cookieOptions(page) });
}

/** For the page: what this account typed, when the problem it shows is about that number. */
export async function typedNumber(page: NumberPage, userId: string, problem: string | undefined): Promise<string | undefined> {
  if (!isNumberProblem(problem)) return undefined;
  const value = (await cookies()).get(cookieName(page))?.value ?? "";
  const split = value.indexOf("|");
  return split > 0 && value.slice(0, split) === userId ? value.slice(split + 1, split + 1 + MAX_LENGTH) : undefined;
}
