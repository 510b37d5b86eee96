import { RESEND_COOLDOWN_SECONDS } from "./factors/phone/cooldown";

/** Every sentence a patient can see about sign-up, sign-in and enrollment, in one place. */
export const messages = {
  emailInvalid: "Enter your email address, like name@example.com.",
  emailTooLong: "That email address is too long.",
  passwordTooShort: "Use at least 8 characters for your password.",
  passwordTooLong: "Use at most 128 characters for your password.",
  passwordMissing: "Enter your password.",
  nameTooLong: "Keep your name under 100 characters.",
  nameInvalid: "Your name can't contain control characters or invisible formatting characters.",
  signInFailed: "That email and password don't match an account. Check them and try again.",
  codeFormat: "Enter the 6-digit code from your authenticator app.",
  codeWrong: "That code didn't work. Type the code your app shows now (it changes every 30 seconds). If that doesn't work either, check that your phone sets its time automatically.",
  codeUsed: "That code was already used. Wait for the next code in your app (it changes every 30 seconds) and enter it.",
  challengeExpired: "This sign-in has ended, because it took too long or your account was changed. Please sign in again with your email and password.",
  notEnrolling: "There's no authenticator setup in progress. Please sign in again.",
  keyReplaced: "This key was replaced by a new one. Scan the new QR code and enter the code it shows.",
  oldKeyCode:
    "That code comes from an old key that no longer works. Your authenticator app has two entries for this clinic now: use the one added last (on a setup page: scan the QR code shown here first), and delete the older one once the new one works.",
  setupExpired:
    "The time to finish setting up two-step sign-in for this account has run out. Please contact the clinic to open it again.",
  somethingWrong: "Something went wrong on our side. Please try again in a moment.",
  codeOrRecoveryFormat: "Enter the 6-digit code from your app, or one of your recovery codes (like abcd-efgh-jkmn).",
  keyfobWrong: "That code didn't work. Press the button on your keyfob once and type the new code it shows.",
  keyfobUsed: "That code was already used. Press the button on your keyfob once and type the new code it shows.",
  keyfobPressAgain:
    "Your keyfob has moved ahead of us. Press its button once more and type that new code too: then you're signed in.",
  recoveryWrong: "That recovery code didn't work. Check it against your saved list; each code works only once.",
  locked: "Too many wrong attempts. For your safety, sign-in is paused. Please try again in {minutes}.",
  tooManyAttempts: "Too many attempts from this network. Please try again in {minutes}.",
  clockDrift:
    "That code didn't work: your phone's clock looks about {minutes} {direction}. Turn on automatic date and time (Android: Settings › System › Date & time › Set time automatically; iPhone: Settings › General › Date & Time › Set Automatically), then enter the newest code.",
  stepUpRequired: "For your safety, please confirm it's you before making this change.",
  passwordWrong: "That password isn't right. Please try again.",
  passwordChanged: "Your password was changed. Other devices were signed out.",
  signedOut: "You've signed out.",
  forgotSent:
    "If an account uses that email address, we've sent it a link to choose a new password. The link works once, for 30 minutes. Check your spam folder if it doesn't arrive in a few minutes.",
  tooManyResetLinks: "We've already sent several links to this address. Check your inbox (and spam folder), or try again in {minutes}.",
  resetLinkInvalid: "This link has expired or was already used. You can ask for a new one below.",
  passwordChosen: "Your password is set and your email address is confirmed. Sign in with your new password to finish setting up your account.",
  passwordResetDone: "Your password was changed and every device was signed out. Sign in with your new password and a code from your authenticator app.",
  checkEmail:
    "Check your email. We've sent a message to the address you gave: follow the link in it to go on. It can take a few minutes; check your spam folder too.",
  confirmEmailFirst: "Please confirm your email address first. We've sent you a new link: follow it to go on to setting up your authenticator app.",
  confirmLinkInvalid: "This confirmation link has expired or was already used. If you signed up more than once, open the newest email we sent you. Otherwise sign in with your email and password to get a new link.",
  newPhoneDone: "Your authenticator app now works on your new phone. The old phone's codes no longer work.",
  phoneInvalid: "That doesn't look like a whole phone number. Check that you typed every digit, including the area code. A number from another country starts with + and its country code.",
  phoneCountryRefused: "We can only send codes to phone numbers in {countries}. Please use another number, or set up an authenticator app.",
  phoneNotPersonal: "That looks like a premium-rate, free or service number. Enter your own mobile or home phone number.",
  phoneCodesOff: "This clinic doesn't send codes by text message or phone call. Please set up an authenticator app.",
  phoneCallOff: "This clinic doesn't place phone calls with codes. Please use the code we texted you.",
  phoneCodeWrong: "That code didn't work. Check the newest text message or call from us, and type its 6 digits.",
  phoneCodeUsed: "That code was already used. Ask for a new code below.",
  phoneCodeExpired: "That code has expired (codes work for 5 minutes). Ask for a new code below.",
  phoneResendWait: "We've just sent a code. You can ask for another one in {seconds} seconds.",
  phoneSendLimit: "We've sent several codes already. For your safety, please try again in {minutes}, or use a recovery code if you have one.",
  phoneCodeSent: "We've sent a code by text message to your phone ending {last}. It works for 5 minutes.",
  phoneCallPlaced: "We're calling your phone ending {last}. The call reads your code twice.",
  phoneLandlineCall: "Landlines can't get text messages, so we're calling your phone ending {last} instead. The call reads your code twice.",
  phoneSameNumber: "That's the number we already send codes to. Enter a different number, or keep this one.",
  phoneOnlyFactor:
    "Your phone is the only second step on your account, so it can't be removed: you could no longer sign in. Change the number instead, or set up an authenticator app first (Set up a new phone), then remove the phone.",
  phoneNothingPending: "There's no new number waiting for a code. Enter the number again.",
  phoneAddedDone: "Your phone is confirmed as a backup. When you can't use your app, choose “Text me a code instead” after your password.",
  phoneChangedDone: "Your new number is confirmed: codes now go only to it. We've told your old number and your email.",
  phoneRemovedDone: "Your phone was removed. We no longer send codes to it.",
  phonePendingCancelled: "The new number was not saved. Nothing changed.",
  phoneSmsFailed: "We couldn't deliver the text. We can call you instead.",
  phoneSmsFailedNoCall: "We couldn't deliver the text. Try again in a few minutes, or use a recovery code.",
  phoneSending: "It can take a minute to arrive.",
} as const;

export type MessageKey = keyof typeof messages;

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.hasOwn(messages, value);
}

/**
 * No pause here lasts longer than a day (LOCKOUT_MINUTES allows up to 1440), so a wait read from a
 * URL ("locked:525600") is never shown as longer than that.
 */
const LONGEST_WAIT_MINUTES = 24 * 60;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** "1 minute", "45 minutes", "1 hour 15 minutes", "4 hours": for the {minutes} placeholder. */
export function minutesText(minutes: number): string {
  const whole = Math.min(LONGEST_WAIT_MINUTES, Math.max(1, Math.ceil(minutes)));
  if (whole < 60) return count(whole, "minute");
  const rest = whole % 60;
  return rest === 0 ? count(whole / 60, "hour") : `${count(Math.floor(whole / 60), "hour")} ${count(rest, "minute")}`;
}

/**
 * A message that travels as "key" or "key:param" (NextAuth passes authorize() errors through a
 * URL), rendered with its placeholder filled. Unknown keys become the generic message. For
 * clockDrift the param is signed minutes: positive when the phone is ahead.
 */
export function renderMessage(encoded: string | null | undefined): { key: MessageKey; text: string } {
  const [rawKey, param = ""] = (encoded ?? "").split(":", 2);
  const key: MessageKey = isMessageKey(rawKey) ? rawKey : "somethingWrong";
  const number = Number(param);
  let text: string = messages[key];
  if (key === "locked" || key === "tooManyAttempts" || key === "tooManyResetLinks") text = text.replace("{minutes}", minutesText(Number.isFinite(number) ? number : 1));
  if (key === "phoneSendLimit") text = text.replace("{minutes}", minutesText(Number.isFinite(number) ? number : 1));
  if (key === "phoneResendWait") text = text.replace("{seconds}", String(Number.isFinite(number) && number > 0 ? Math.min(RESEND_COOLDOWN_SECONDS, Math.ceil(number)) : RESEND_COOLDOWN_SECONDS));
  if (key === "phoneCodeSent" || key === "phoneCallPlaced" || key === "phoneLandlineCall") text = text.replace("{last}", /^\d{2}$/.test(param) ? param : "on file");
  if (key === "phoneCountryRefused") text = text.replace("{countries}", /^[A-Z]{2}(,[A-Z]{2})*$/.test(param) ? param.split(",").join(", ") : "the clinic's country");
  if (key === "clockDrift") {
    text = text
      .replace("{minutes}", minutesText(Math.abs(Number.isFinite(number) ? number : 1)))
      .replace("{direction}", number > 0 ? "fast" : "slow");
  }
  return { key, text };
}

/**
 * A message that came in a URL, kept only when it is one the page itself sends there: a link
 * cannot make a page report what did not happen ("Your phone was removed").
 */
export function fromUrl(encoded: string | string[] | undefined, said: readonly MessageKey[]): string | undefined {
  if (typeof encoded !== "string") return undefined;
  const key = encoded.split(":", 1)[0];
  return said.some((known) => known === key) ? encoded : undefined;
}

/** What asking for a code by text or call answers (lib/factors/phone/codes.ts), sent or refused. */
export const SEND_ANSWERS: readonly MessageKey[] = ["phoneCodeSent", "phoneCallPlaced", "phoneLandlineCall", "phoneResendWait", "phoneSendLimit", "phoneCallOff", "phoneCodesOff"];
/** Only what a send that happened says. */
export const SENT: readonly MessageKey[] = ["phoneCodeSent", "phoneCallPlaced", "phoneLandlineCall"];

export function encodeMessage(key: MessageKey, param?: number | string): string {
  return param === undefined ? key : `${key}:${param}`;
}

/** "locked" / "tooManyAttempts" with the whole minutes left until `until`. */
export function encodeWait(key: "locked" | "tooManyAttempts" | "tooManyResetLinks", until: Date): string {
  return encodeMessage(key, Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000)));
}
