import type { IncomingMessage, ServerResponse } from "node:http";

/** The challenge cookie's names (lib/challenge-cookie.ts): `__Host-` pins it to the host over https. */
export const CHALLENGE_COOKIE: string;
export const SECURE_CHALLENGE_COOKIE: string;
/** The app refused this challenge because its account is locked until `lockedUntil`; `answer` is NextAuth's redirect. */
export function rememberRefusal(challengeToken: string | undefined, answer: string | null, lockedUntil: Date, now?: number): void;
/** Every remembered refusal is dropped (an unlock in this process, tests). */
export function forgetRefusals(): void;
/** The remembered answer for one of these challenge tokens, or null. */
export function recallRefusal(challengeTokens: Iterable<string>, now?: number): string | null;
/** Values of the challenge cookie (under either name) in a Cookie header. */
export function challengeTokensIn(cookieHeader: string | undefined): string[];
/** Answers a code post for a remembered challenge; false leaves the request to Next.js. */
export function replayRefusal(req: IncomingMessage, res: ServerResponse): boolean;
