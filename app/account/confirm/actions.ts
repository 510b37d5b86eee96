"use server";

import { redirect } from "next/navigation";
import { entry, type ActionState, formOf } from "@/lib/action-state";
import { getClientIp } from "@/lib/client-ip";
import { messages, renderMessage } from "@/lib/messages";
import { checkPasswordBudget, passPasswordStep } from "@/lib/password-step";
import { passSecondFactor } from "@/lib/second-factor";
import { requireSession } from "@/lib/session";
import { markStepUp } from "@/lib/sessions";
import { stepUpPage } from "@/lib/step-up";
import { sendStepUpCode, stepUpChallenge } from "@/lib/factors/phone/settings";
import { existingPasswordSchema } from "@/lib/validation";

/** Password and a current code (or a recovery code) again, with the same limits as sign-in. */
export async function confirmItsYou(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const { account, session } = await requireSession();
  const next = stepUpPage(formData.get("next")) ?? "/home";
  const ip = await getClientIp();
  const overBudget = await checkPasswordBudget(ip);
  if (overBudget) return { message: renderMessage(overBudget).text };

  const password = existingPasswordSchema.safeParse(entry(formData, "password"));
  if (!password.success) return { fieldErrors: { password: messages.passwordMissing } };
  const passwordStep = await passPasswordStep(account.email, password.data, ip);
  if (!passwordStep.ok) {
    return passwordStep.message === "signInFailed"
      ? { fieldErrors: { password: messages.passwordWrong } }
      : { message: renderMessage(passwordStep.message).text };
  }

  // A code texted for this step-up is bound to this session; an app or recovery code needs no binding.
  const second = await passSecondFactor({ userId: account.id, purpose: "step-up", code: entry(formData, "code"), ip, keyOwnerId: stepUpChallenge(session.id) });
  if (!second.ok) return { fieldErrors: { code: renderMessage(second.message).text } };

  await markStepUp(session.id);
  redirect(next);
}

/** "Text me a code" on the confirm page: for a patient whose phone is their second factor (or a backup). */
export async function textStepUpCode(form: unknown): Promise<void> {
  const data = formOf(form);
  const { account, session } = await requireSession();
  const next = stepUpPage(data.get("next")) ?? "/home";
  const channel = data.get("channel") === "voice" ? "voice" : "sms";
  const result = await sendStepUpCode({ userId: account.id, sessionId: session.id, channel, ip: await getClientIp() });
  redirect(`/account/confirm?next=${encodeURIComponent(next)}&phone=${encodeURIComponent(result.message)}`);
}
