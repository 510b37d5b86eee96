import { headers } from "next/headers";
import { NextResponse } from "next/server";
import type { ActionState } from "@/lib/action-state";
import { getConfig } from "@/lib/config";
import { htmlResponse, plainDocument } from "@/lib/html";
import { messages, type MessageKey } from "@/lib/messages";
import { getCurrentAccount } from "@/lib/session";
import { SHOW_PASSWORD_SCRIPT, signInMain } from "./page-html";
import { signInWithPassword } from "./password-step";

/**
 * /sign-in is served without React: nearly every visit starts here, and its form always worked as
 * a plain post (script only changed the button's label while it waited). Other pages keep the App
 * Router.
 */
async function page(state: ActionState, notice?: string): Promise<Response> {
  const nonce = /'nonce-([^']+)'/.exec((await headers()).get("content-security-policy") ?? "")?.[1] ?? null;
  return htmlResponse(plainDocument({ title: "Sign in", main: signInMain(state, notice), nonce, script: SHOW_PASSWORD_SCRIPT }));
}

/** What other steps say here through `?notice=`: a link can put no other message on this page. */
const NOTICES: readonly MessageKey[] = ["signedOut", "passwordChosen", "passwordResetDone", "notEnrolling", "challengeExpired"];
const isNotice = (value: string | null): value is MessageKey => NOTICES.includes(value as MessageKey);

const seeOther = (path: string) => NextResponse.redirect(new URL(path, getConfig().appUrl), 303);

export async function GET(request: Request) {
  if (await getCurrentAccount()) return seeOther("/home");
  const notice = new URL(request.url).searchParams.get("notice");
  return page({}, isNotice(notice) ? messages[notice] : undefined);
}

export async function POST(request: Request) {
  // Anything that is not a form reads as an empty one: a clear message, never a 500.
  const form = await request.formData().catch(() => new FormData());
  const answer = await signInWithPassword(form);
  return "next" in answer ? seeOther(answer.next) : page(answer);
}
