"use server";

import { redirect } from "next/navigation";
import { echo, entry, type ActionState, formOf } from "@/lib/action-state";
import { startSecondFactor } from "@/lib/challenge-cookie";
import { getClientIp } from "@/lib/client-ip";
import { encodeWait, messages, renderMessage } from "@/lib/messages";
import { checkLimit, consumeLimit, policies } from "@/lib/rate-limit";
import { registerPatient } from "@/lib/users";
import { fieldErrors, signUpSchema } from "@/lib/validation";

export async function signUp(_prev: ActionState, formData: FormData): Promise<ActionState> {
  formData = formOf(formData);
  const values = { email: echo(formData.get("email")), name: echo(formData.get("name"), 100) };
  const ip = await getClientIp();
  const budget = policies().ipSignUp;
  const early = await checkLimit(budget, ip);
  if (!early.ok) return { message: tooMany(early.retryAt), values };

  const parsed = signUpSchema.safeParse({
    email: entry(formData, "email"),
    password: entry(formData, "password"),
    name: entry(formData, "name"),
  });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };

  const attempt = await consumeLimit(budget, ip);
  if (!attempt.ok) return { message: tooMany(attempt.retryAt), values };
  const result = await registerPatient(parsed.data);
  if (!result.ok) return { fieldErrors: { email: messages.emailTaken }, values };

  redirect(await startSecondFactor(result.user));
}

const tooMany = (retryAt: Date) => renderMessage(encodeWait("tooManyAttempts", retryAt)).text;
