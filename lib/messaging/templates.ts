/**
 * Every email the portal sends, as plain text and simple accessible HTML. Each takes only what
 * it shows; the one link that carries a token is the only place that token appears.
 */

export type Rendered = { subject: string; text: string; html: string };

/** Who is writing: the clinic's name, how to reach it, and the portal's address. */
export type Sender = { clinic: string; contact: string; appUrl: URL };

type Block = string | { link: string; label: string };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "UTC" });
export const formatTime = (at: Date) => `${when.format(at)} UTC`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function portalLink(sender: Sender, pathname: string): string {
  return new URL(pathname, sender.appUrl).toString();
}

function layout(sender: Sender, subject: string, greeting: string, blocks: Block[]): Rendered {
  const signIn = portalLink(sender, "/sign-in");
  const footer = [`${sender.clinic}`, `${sender.contact}`, `Patient portal: ${signIn}`];
  const text = [
    greeting,
    "",
    ...blocks.flatMap((b) => (typeof b === "string" ? [b, ""] : [`${b.label}:`, b.link, ""])),
    "--",
    ...footer,
    "",
  ].join("\n");
  const body = blocks
    .map((b) =>
      typeof b === "string"
        ? `<p>${escapeHtml(b)}</p>`
        : `<p><a href="${escapeHtml(b.link)}" style="display:inline-block;padding:12px 18px;background:#0b5394;color:#ffffff;text-decoration:underline;border-radius:6px;font-weight:bold">${escapeHtml(b.label)}</a></p>`,
    )
    .join("\n");
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;background:#ffffff;color:#1a1a1a;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.5">
<main style="max-width:36rem;margin:0 auto">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(subject)}</h1>
<p>${escapeHtml(greeting)}</p>
${body}
<hr style="border:0;border-top:1px solid #cccccc;margin:24px 0">
<p style="color:#444444;font-size:14px">${escapeHtml(sender.clinic)}<br>${escapeHtml(sender.contact)}<br><a href="${escapeHtml(signIn)}" style="color:#0b5394">Patient portal</a></p>
</main>
</body>
</html>
`;
  return { subject, text, html };
}

const greet = (name: string | null) => (name ? `Hello ${name},` : "Hello,");

/**
 * The name a mail may greet the account's owner by: only once the address is confirmed. Until then
 * the name was typed by whoever signed up with that address, who need not be its owner.
 */
export const mailName = (user: { name: string | null; emailConfirmedAt: Date | null }) => (user.emailConfirmedAt ? user.name : null);
const notYou = (sender: Sender) => `If this wasn't you, contact the clinic straight away: ${sender.contact}.`;
const where = (at: Date, ip: string | null) => `${formatTime(at)}${ip ? `, from the internet address ${ip}` : ""}`;

export type NoticeContext = { sender: Sender; name: string | null; at: Date; ip: string | null };

export const templates = {
  enrolled: (c: NoticeContext) =>
    layout(c.sender, "Two-step sign-in is set up", greet(c.name), [
      `An authenticator app was set up for your ${c.sender.clinic} account on ${where(c.at, c.ip)}. From now on you sign in with your password and a code from the app.`,
      notYou(c.sender),
    ]),
  newPhone: (c: NoticeContext) =>
    layout(c.sender, "Your authenticator app moved to a new phone", greet(c.name), [
      `Your account's codes now come from a new phone (${where(c.at, c.ip)}). Codes from the old phone no longer work, and other devices were signed out.`,
      notYou(c.sender),
    ]),
  recoveryCodesIssued: (c: NoticeContext) =>
    layout(c.sender, "New recovery codes were created", greet(c.name), [
      `A new set of recovery codes was created for your account on ${where(c.at, c.ip)}. Your old recovery codes no longer work.`,
      notYou(c.sender),
    ]),
  recoveryCodeUsed: (c: NoticeContext & { remaining: number }) =>
    layout(c.sender, "A recovery code was used to sign in", greet(c.name), [
      `Someone signed in to your account with one of your recovery codes on ${where(c.at, c.ip)}.`,
      `You have ${c.remaining} unused recovery ${c.remaining === 1 ? "code" : "codes"} left.${c.remaining <= 3 ? " Create a new set in your account's security settings." : ""}`,
      notYou(c.sender),
    ]),
  passwordChanged: (c: NoticeContext) =>
    layout(c.sender, "Your password was changed", greet(c.name), [
      `The password for your account was changed on ${where(c.at, c.ip)}. Other devices were signed out.`,
      notYou(c.sender),
    ]),
  passwordReset: (c: NoticeContext) =>
    layout(c.sender, "Your password was reset", greet(c.name), [
      `The password for your account was reset with an email link on ${where(c.at, c.ip)}. Every device was signed out. You still need your sign-in code (from your app, phone or keyfob) or a recovery code to sign in.`,
      notYou(c.sender),
    ]),
  lockout: (c: NoticeContext & { until: Date | null }) =>
    layout(c.sender, "Sign-in paused after wrong codes", greet(c.name), [
      `Someone entered your password correctly and then too many wrong codes on ${where(c.at, c.ip)}, so signing in to your account is paused${c.until ? ` until ${formatTime(c.until)}` : " for a while"}.`,
      "If it was you: wait until then, check that your phone sets its time automatically, and enter the newest code from your app.",
      `If it wasn't you, someone knows your password. Change it: choose "Forgot your password?" on the sign-in page, or call the clinic: ${c.sender.contact}.`,
    ]),
  phoneAdded: (c: NoticeContext & { last: string | null }) =>
    layout(c.sender, "A phone was added for sign-in codes", greet(c.name), [
      `A phone${c.last ? ` ending ${c.last}` : ""} was confirmed for your account's sign-in codes by text message or call on ${where(c.at, c.ip)}.`,
      "An authenticator app is safer than text messages. If you have one, it stays the way you sign in; the phone is a backup.",
      notYou(c.sender),
    ]),
  phoneChanged: (c: NoticeContext & { last: string | null }) =>
    layout(c.sender, "Your number for sign-in codes was changed", greet(c.name), [
      `Sign-in codes for your account now go to a phone${c.last ? ` ending ${c.last}` : ""} (changed on ${where(c.at, c.ip)}). The old number no longer gets them.`,
      notYou(c.sender),
    ]),
  phoneRemoved: (c: NoticeContext & { last: string | null }) =>
    layout(c.sender, "Your phone was removed from sign-in codes", greet(c.name), [
      `The phone${c.last ? ` ending ${c.last}` : ""} no longer gets sign-in codes for your account (removed on ${where(c.at, c.ip)}).`,
      notYou(c.sender),
    ]),
  keyfobAssigned: (c: NoticeContext) =>
    layout(c.sender, "The clinic gave you a keyfob for signing in", greet(c.name), [
      `The clinic linked a keyfob to your account on ${formatTime(c.at)}. The next time you sign in, press its button once and type the code it shows after your password.`,
      notYou(c.sender),
    ]),
  keyfobProven: (c: NoticeContext) =>
    layout(c.sender, "Your keyfob is set up", greet(c.name), [
      `You signed in with your keyfob for the first time on ${where(c.at, c.ip)}. From now on you sign in with your password and a code from the keyfob.`,
      notYou(c.sender),
    ]),
  keyfobRemoved: (c: NoticeContext & { lost: boolean }) =>
    layout(c.sender, c.lost ? "Your keyfob was marked lost" : "The clinic took back your keyfob", greet(c.name), [
      `${c.lost ? "The clinic marked your keyfob as lost" : "The clinic unlinked your keyfob from your account"} on ${formatTime(c.at)}. Its codes no longer work for your account.`,
      notYou(c.sender),
    ]),
  enrollmentReset: (c: NoticeContext & { reason: string }) =>
    layout(c.sender, "The clinic reset your two-step sign-in", greet(c.name), [
      `The clinic reset your account's two-step sign-in on ${formatTime(c.at)}. The reason given: "${c.reason}"`,
      "Your old authenticator app and recovery codes no longer work, and you were signed out everywhere. The next time you sign in, you'll set up your authenticator app again.",
      notYou(c.sender),
    ]),
  passwordResetLink: (c: { sender: Sender; name: string | null; link: string; byClinic: boolean }) =>
    layout(c.sender, "Reset your password", greet(c.name), [
      c.byClinic
        ? "The clinic's staff sent you this link to choose a new password for your account."
        : "Someone (hopefully you) asked to reset the password for your account.",
      { link: c.link, label: "Choose a new password" },
      "The link works once, for 30 minutes. You'll still need your sign-in code (from your app, phone or keyfob) or a recovery code to sign in afterwards.",
      "If you didn't ask for this, ignore this email: your password stays the same.",
    ]),
  // Mail to an address nobody has confirmed yet greets no one: the name was typed by whoever signed up.
  confirmEmail: (c: { sender: Sender; link: string }) =>
    layout(c.sender, "Confirm your email address", greet(null), [
      `Thanks for creating an account at ${c.sender.clinic}. Confirm that this is your email address to go on to setting up your authenticator app.`,
      { link: c.link, label: "Confirm my email address" },
      "The link works once, for 24 hours. If you didn't create an account, ignore this email: nothing happens without this link.",
    ]),
  signUpPending: (c: { sender: Sender; link: string }) =>
    layout(c.sender, "Choose your password to finish creating your account", greet(null), [
      `Someone (hopefully you) asked to create a ${c.sender.clinic} account with this email address, but an account for it was already waiting to be confirmed. For your safety, any earlier link no longer works, and the account has no password until you choose one: no password typed at sign-up counts.`,
      "To finish creating your account, choose your password with this link. Then sign in with it and set up your authenticator app.",
      { link: c.link, label: "Choose my password" },
      "The link works once, for 30 minutes. If you didn't ask for this, ignore this email: nothing happens without this link.",
    ]),
  signUpExisting: (c: { sender: Sender; name: string | null; at: Date }) =>
    layout(c.sender, "Someone tried to create an account with your address", greet(c.name), [
      `On ${formatTime(c.at)} someone tried to create a new ${c.sender.clinic} account with this email address. You already have an account, so nothing was changed.`,
      `If it was you, sign in instead: ${portalLink(c.sender, "/sign-in")}. Forgot your password? Choose "Forgot your password?" on the sign-in page.`,
      "If it wasn't you, you can ignore this email.",
    ]),
} as const;

export type TemplateName = keyof typeof templates;
