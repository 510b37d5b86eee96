import "server-only";
import type { ActionState } from "@/lib/action-state";
import { echo, entry } from "@/lib/action-state";
import { startSecondFactor } from "@/lib/challenge-cookie";
import { getClientIp } from "@/lib/client-ip";
import { messages, renderMessage } from "@/lib/messages";
import { checkPasswordBudget, passPasswordStep } from "@/lib/password-step";
import { resendConfirmation } from "@/lib/sign-up";
import { signInSchema } from "@/lib/validation";

/** The password step. Success earns a challenge for the code step (and says where it is), never a session. */
export async function signInWithPassword(formData: FormData): Promise<{ next: string } | ActionState> {
  const values = { email: echo(formData.get("email")) };
  const ip = await getClientIp();
  const overBudget = await checkPasswordBudget(ip);
  if (overBudget) return { message: renderMessage(overBudget).text, values };

  const parsed = signInSchema.safeParse({ email: entry(formData, "email"), password: entry(formData, "password") });
  if (!parsed.success) {
    const emailIssue = parsed.error.issues.find((i) => i.path[0] === "email");
    const passwordIssue = parsed.error.issues.find((i) => i.path[0] === "password");
    // Format problems are about what was typed, not about any account, so they can be specific.
    return { fieldErrors: { email: emailIssue?.message, password: passwordIssue?.message }, values };
  }

  const result = await passPasswordStep(parsed.data.email, parsed.data.password, ip);
  if (!result.ok) return { message: renderMessage(result.message).text, values };
  // Only someone who knows the password learns that the address is unconfirmed.
  if (!result.emailConfirmed) {
    await resendConfirmation(result.account);
    return { message: messages.confirmEmailFirst, values };
  }
  return { next: await startSecondFactor(result.account, result.hasApp) };
}
