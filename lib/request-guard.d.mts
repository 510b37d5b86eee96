import type { IncomingHttpHeaders } from "node:http";

/** A small page of its own (title, language, one clear sentence, a way back), never a blank 500. */
export function refusalPage(text: string): string;
/** Why a request is refused before anything reads it (an undecodable path; an oversized, foreign or non-form POST), or null when it may go on. */
export function refuseRequest(method: string | undefined, pathname: string, headers: IncomingHttpHeaders): { status: number; text: string } | null;
/** The Content-Security-Policy for one answer, with a fresh nonce. */
export function contentSecurityPolicy(dev: boolean): string;
export const STRICT_TRANSPORT_SECURITY: string;
/** Headers every answer carries, beside the CSP and HSTS. */
export const SECURITY_HEADERS: Readonly<Record<string, string>>;
