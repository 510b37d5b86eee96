"use server";

import { redirect } from "next/navigation";
import { entry, type ActionState } from "@/lib/action-state";
import { getClientIp } from "@/lib/client-ip";
import { messages } from "@/lib/messages";
import { resetPasswordWithToken } from "@/lib/password-reset";
import { fieldErrors, newPasswordSchema } from "@/lib/validation";

/** Spends the link and sets the password; the patient then signs in with it and their second factor. */
export async function setNewPassword(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const token = entry(formData, "token");
  if (typeof token !== "string" || token.length > 100) return { message: messages.resetLinkInvalid };
  const parsed = newPasswordSchema.safeParse(entry(formData, "password"));
  if (!parsed.success) return { fieldErrors: { password: fieldErrors<"form">(parsed.error).form } };

  const result = await resetPasswordWithToken(token, parsed.data, await getClientIp());
  if (!result.ok) return { message: messages.resetLinkInvalid };
  redirect(`/sign-in?notice=${result.first ? "passwordChosen" : "passwordResetDone"}`);
}
