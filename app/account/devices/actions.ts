"use server";

import { redirect } from "next/navigation";
import { getClientIp } from "@/lib/client-ip";
import { recordEvent } from "@/lib/security-events";
import { requireSession } from "@/lib/session";
import { endSessionOf, endSessionsOf } from "@/lib/sessions";

/** Signs out one of the caller's own other devices; an id that is not theirs changes nothing. */
export async function signOutDevice(formData: FormData): Promise<void> {
  const { account, session } = await requireSession();
  const id = formData.get("sessionId");
  if (typeof id !== "string" || id === session.id) redirect("/account/devices");
  const ended = await endSessionOf(account.id, id, "signed-out-remotely");
  if (ended) await recordEvent("sessions-ended", account.id, await getClientIp());
  redirect(`/account/devices?done=${ended ? "one" : "none"}`);
}

export async function signOutOtherDevices(): Promise<void> {
  const { account, session } = await requireSession();
  const count = await endSessionsOf(account.id, session.id, "signed-out-remotely");
  if (count > 0) await recordEvent("sessions-ended", account.id, await getClientIp());
  redirect(`/account/devices?done=${count > 0 ? "others" : "none"}`);
}
