/** Every sentence a patient can see about sign-up, sign-in and enrollment, in one place. */
export const messages = {
  emailInvalid: "Enter your email address, like name@example.com.",
  emailTooLong: "That email address is too long.",
  passwordTooShort: "Use at least 8 characters for your password.",
  passwordTooLong: "Use at most 128 characters for your password.",
  passwordMissing: "Enter your password.",
  nameTooLong: "Keep your name under 100 characters.",
  nameInvalid: "Your name can't contain control characters.",
  emailTaken: "This email address can't be used for a new account. If it's yours, sign in instead.",
  signInFailed: "That email and password don't match an account. Check them and try again.",
  codeFormat: "Enter the 6-digit code from your authenticator app.",
  codeWrong: "That code didn't work. Check the time on your phone is set automatically, and try the newest code.",
  codeUsed: "That code was already used. Wait for the next code in your app (it changes every 30 seconds) and enter it.",
  challengeExpired: "Your sign-in took too long. Please sign in again with your email and password.",
  notEnrolling: "There's no authenticator setup in progress. Please sign in again.",
  keyReplaced: "This key was replaced by a new one. Scan the new QR code and enter the code it shows.",
  somethingWrong: "Something went wrong on our side. Please try again in a moment.",
  formTooLarge: "That form was too large to send. Please check what you typed and try again.",
} as const;

export type MessageKey = keyof typeof messages;

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && Object.hasOwn(messages, value);
}
