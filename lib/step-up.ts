import "server-only";
import { redirect } from "next/navigation";
import { hasFreshStepUp } from "./sessions";
import { requireSession, type CurrentSession } from "./session";

/** The pages that need password and code again; the confirm page only ever sends people back to these. */
export const STEP_UP_PAGES = ["/account/recovery-codes", "/account/new-phone", "/account/password", "/account/phone"] as const;
export type StepUpPage = (typeof STEP_UP_PAGES)[number];

export function stepUpPage(value: unknown): StepUpPage | null {
  return STEP_UP_PAGES.find((page) => page === value) ?? null;
}

/**
 * For sensitive pages and actions: a signed-in session that proved password and code within the
 * last few minutes (sign-in itself counts). Otherwise off to /account/confirm, then back.
 */
export async function requireStepUp(returnTo: StepUpPage): Promise<CurrentSession> {
  const current = await requireSession();
  if (!hasFreshStepUp(current.session)) redirect(`/account/confirm?next=${encodeURIComponent(returnTo)}`);
  return current;
}
