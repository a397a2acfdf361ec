// The sign-in email. Its link opens a confirmation page of ours rather than
// Auth.js's callback directly: mail scanners that fetch every link in a message
// would otherwise use up the one-time token before the person clicks. The
// token is only spent when the person presses the button on that page.
import { sendMail } from "../email/send";
import { escapeHtml } from "../html/escape";
import { recordRefusal, signInClientIp } from "./sign-in-outcome";
import { countSignInEmail, SignInEmailLimited } from "./sign-in-limits";

function confirmationUrl(callbackUrl: string): string {
  const callback = new URL(callbackUrl);
  const confirm = new URL("/signin/confirm", callback.origin);
  confirm.searchParams.set("callback", callback.pathname + callback.search);
  return confirm.toString();
}

/** Only Auth.js's own email callback on this site may be confirmed: no open redirect. */
export function safeCallbackPath(value: unknown): string | null {
  if (typeof value !== "string" || !value.startsWith("/api/auth/callback/nodemailer?")) return null;
  const parsed = new URL(value, "http://localhost");
  if (parsed.pathname !== "/api/auth/callback/nodemailer" || !parsed.searchParams.get("token")) return null;
  return parsed.pathname + parsed.search;
}

export async function sendSignInEmail(email: string, callbackUrl: string): Promise<void> {
  const link = confirmationUrl(callbackUrl);
  const host = new URL(link).host;
  await sendMail({
    to: email,
    subject: `Sign in to ${host}`,
    text: `Sign in to ${host}:\n\n${link}\n\nThe link works once and expires in 24 hours. If you did not ask for it, ignore this email.\n`,
    html: `<p>Sign in to <strong>${escapeHtml(host)}</strong>:</p><p><a href="${escapeHtml(link)}">Sign in</a></p><p>The link works once and expires in 24 hours. If you did not ask for it, ignore this email.</p>`,
  });
}

/**
 * Counts one sign-in email for `email` against the address's and the client's budgets (Auth.js's signIn
 * callback, before anything is stored or sent, for every path that asks for a link). Over budget the
 * refusal is recorded for the entry point (sign-in-outcome.ts), which tells the person when to try again.
 * @returns false when nothing may be sent
 */
export async function mayRequestSignInEmail(email: string): Promise<boolean> {
  // Outside an entry point (no client IP known) every such request shares one budget: still limited.
  const ip = signInClientIp() ?? "unknown";
  try {
    await countSignInEmail(email, ip);
    return true;
  } catch (error) {
    if (!(error instanceof SignInEmailLimited)) throw error;
    recordRefusal(error);
    return false;
  }
}

/** Auth.js's sendVerificationRequest: sends the link (the budget was counted in the signIn callback). */
export async function sendSignInEmailRequest({ identifier, url }: { identifier: string; url: string }): Promise<void> {
  await sendSignInEmail(identifier, url);
}
