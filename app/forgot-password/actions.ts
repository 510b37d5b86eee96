"use server";

import { redirect } from "next/navigation";
import { after } from "next/server";
import { echo, entry, type ActionState } from "@/lib/action-state";
import { getClientIp } from "@/lib/client-ip";
import { renderMessage } from "@/lib/messages";
import { checkResetBudget, requestPasswordReset } from "@/lib/password-reset";
import { emailSchema } from "@/lib/validation";

/** The same answer whether or not the email has an account; only the limits can refuse. */
export async function askForResetLink(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const values = { email: echo(formData.get("email")) };
  const ip = await getClientIp();
  const overBudget = await checkResetBudget(ip);
  if (overBudget) return { message: renderMessage(overBudget).text, values };

  const email = emailSchema.safeParse(entry(formData, "email"));
  if (!email.success) return { fieldErrors: { email: email.error.issues[0]?.message }, values };

  const result = await requestPasswordReset(email.data, ip, (work) =>
    after(() =>
      work().catch((error: unknown) => console.error(`[forgot-password] sending the link failed: ${error instanceof Error ? error.name : "unknown error"}`)),
    ),
  );
  if (!result.ok) return { message: renderMessage(result.message).text, values };
  redirect("/forgot-password?sent=1");
}
