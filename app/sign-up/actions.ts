"use server";

import { redirect } from "next/navigation";
import { echo, entry, type ActionState } from "@/lib/action-state";
import { startSecondFactor } from "@/lib/challenge-cookie";
import { messages } from "@/lib/messages";
import { registerPatient } from "@/lib/users";
import { fieldErrors, signUpSchema } from "@/lib/validation";

export async function signUp(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const values = { email: echo(formData.get("email")), name: echo(formData.get("name"), 100) };
  const parsed = signUpSchema.safeParse({
    email: entry(formData, "email"),
    password: entry(formData, "password"),
    name: entry(formData, "name"),
  });
  if (!parsed.success) return { fieldErrors: fieldErrors(parsed.error), values };

  const result = await registerPatient(parsed.data);
  if (!result.ok) return { fieldErrors: { email: messages.emailTaken }, values };

  redirect(await startSecondFactor(result.user));
}
