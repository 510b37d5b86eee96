/**
 * Between two codes for the same sign-in: a text can take a few seconds to arrive. Shared with
 * lib/messages.ts, which never shows a longer wait whatever a URL says.
 */
export const RESEND_COOLDOWN_SECONDS = 30;
