// The sign-in email. Its link opens a confirmation page of ours rather than
// Auth.js's callback directly: mail scanners that fetch every link in a message
// would otherwise use up the one-time token before the person clicks. The
// token is only spent when the person presses the button on that page.
import { sendMail } from "../email/send";
import { escapeHtml } from "../html/escape";
import { clientIpFromHeaders } from "../http/next-adapter";
import { allowSignInEmail } from "./sign-in-limits";

function confirmationUrl(callbackUrl: string): string {
  const callback = new URL(callbackUrl);
  const confirm = new URL("/signin/confirm", callback.origin);
  confirm.searchParams.set("callback", callback.pathname + callback.search);
  return confirm.toString();
}

/** Only Auth.js's own email callback on this site may be confirmed: no open redirect. */
export function safeCallbackPath(value: string | undefined | null): string | null {
  if (!value || !value.startsWith("/api/auth/callback/nodemailer?")) return null;
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
 * Auth.js's sendVerificationRequest: every magic link, whether asked for through
 * our form or posted to Auth.js's own endpoint, is counted against the address's
 * and the client's budget first. Over budget nothing is sent, and Auth.js shows
 * its generic email error ("try again in a minute" on our form).
 */
export async function sendLimitedSignInEmail({ identifier, url, request }: { identifier: string; url: string; request: Request }): Promise<void> {
  if (!(await allowSignInEmail(identifier, clientIpFromHeaders(request.headers)))) {
    throw new Error("Too many sign-in emails for this address or client; nothing was sent");
  }
  await sendSignInEmail(identifier, url);
}
