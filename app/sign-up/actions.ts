"use server";

import { redirect } from "next/navigation";
import { echo, entry, type ActionState, formOf } from "@/lib/action-state";
import { getClientIp } from "@/lib/client-ip";
import { encodeWait, renderMessage } from "@/lib/messages";
import { checkLimit, consumeLimit, policies } from "@/lib/rate-limit";
import { requestSignUp } from "@/lib/sign-up";
import { fieldErrors, signUpSchema } from "@/lib/validation";

/** Always ends at "check your email", whether or not the address already has an account. */
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
  await requestSignUp(parsed.data);
  redirect("/sign-up/check-email");
}

const tooMany = (retryAt: Date) => renderMessage(encodeWait("tooManyAttempts", retryAt)).text;
