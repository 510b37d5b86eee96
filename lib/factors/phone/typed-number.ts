import "server-only";
import { cookies } from "next/headers";
import { getConfig } from "@/lib/config";
import { isNumberProblem } from "./numbers";

/**
 * The number a patient typed, kept for the page that explains why it was refused, so they can
 * correct it instead of typing it all again. Never in the URL (addresses end up in access logs):
 * a five-minute cookie that only the page it came from receives.
 */
const COOKIE = "phone-typed";
const KEEP_SECONDS = 5 * 60;
const MAX_LENGTH = 32;

/** After a number form's post: keep what was typed when the number was refused, else forget it. */
export async function keepTypedNumber(pagePath: string, message: string | null, typed: unknown): Promise<void> {
  const jar = await cookies();
  const options = { path: pagePath, httpOnly: true, sameSite: "strict", secure: getConfig().secureCookies } as const;
  if (message !== null && isNumberProblem(message) && typeof typed === "string" && typed.length <= MAX_LENGTH) {
    jar.set(COOKIE, typed, { ...options, maxAge: KEEP_SECONDS });
  } else if (jar.has(COOKIE)) {
    jar.delete({ name: COOKIE, ...options });
  }
}

/** For the page: what was typed, when the problem it shows is about that number. */
export async function typedNumber(problem: string | undefined): Promise<string | undefined> {
  if (!isNumberProblem(problem)) return undefined;
  return (await cookies()).get(COOKIE)?.value.slice(0, MAX_LENGTH);
}
