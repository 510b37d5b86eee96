import type { IncomingMessage, ServerResponse } from "node:http";

/** The challenge cookie's names (lib/challenge-cookie.ts): `__Host-` pins it to the host over https. */
export const CHALLENGE_COOKIE: string;
export const SECURE_CHALLENGE_COOKIE: string;
/** The app refused the challenge in this cookie because its account is locked until `lockedUntil`; `answer` is NextAuth's redirect. */
export function rememberRefusal(cookieName: string, challengeToken: string | undefined, answer: string | null, lockedUntil: Date, now?: number): void;
/** Every remembered refusal is dropped (an unlock in this process). */
export function forgetRefusals(): void;
/** The remembered answer for the one challenge cookie in this Cookie header, or null. */
export function recallRefusal(cookieHeader: string | undefined, now?: number): string | null;
/** Answers a code post for a remembered challenge; false leaves the request to Next.js. */
export function replayRefusal(req: IncomingMessage, res: ServerResponse): boolean;
