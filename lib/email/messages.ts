// The portal's customer emails: what they say, as plain text and simple HTML.
// Every value that came from outside (names, keys, addresses) is escaped in the HTML.
import { escapeHtml } from "../html/escape";
import { portalUrl } from "../portal/snippet";
import type { Tx } from "../db/sql";
import { enqueueEmail } from "./outbox";
import type { OutgoingMail } from "./send";

export type LicenseEmail = {
  to: string;
  productName: string;
  planName: string;
  key: string;
  /** null: perpetual */
  expiresAt: Date | null;
  /**
   * A subscription that renews by itself (not set to end at its period's end): `expiresAt` is
   * then the next renewal, written "Renews on …", not an end. Use `renewsAutomatically(license)`.
   */
  renews?: boolean;
  /**
   * Why the customer gets the key: `purchase` after a paid checkout, `issued` when the vendor
   * issued the license by hand (no purchase to thank anyone for), `resend` when it is sent again, `trial` for a free trial,
   * `regenerated` when the key was replaced (lib/licensing/regenerate.ts) and the old one no longer works.
   */
  occasion: "purchase" | "issued" | "resend" | "trial" | "regenerated";
};

const OPENING: Record<LicenseEmail["occasion"], (product: string) => string> = {
  purchase: (product) => `Thank you for buying ${product}.`,
  issued: (product) => `You have been given a license for ${product}.`,
  resend: (product) => `Here is your license key for ${product} again, as requested.`,
  trial: (product) => `Your free trial of ${product} has started. Buy the plan before it ends to keep using the same key.`,
  regenerated: (product) =>
    `Your license key for ${product} was replaced by a new one, and the old key no longer works. Enter the new key in the application on each of your machines: they keep their seats.`,
};

/**
 * Whether a license renews by itself: a Stripe subscription not set to cancel at its period's end,
 * not ended. The one rule for "Renews on" in emails and on the portal's pages.
 */
export function renewsAutomatically(license: { stripeSubscriptionId: string | null; cancelAtPeriodEnd: boolean; status: string; expiresAt: Date | null }): boolean {
  return Boolean(license.stripeSubscriptionId) && !license.cancelAtPeriodEnd && license.expiresAt !== null && license.status !== "EXPIRED" && license.status !== "REVOKED";
}

function validityLine(mail: Pick<LicenseEmail, "expiresAt" | "renews">): string {
  if (!mail.expiresAt) return "It does not expire.";
  const day = mail.expiresAt.toISOString().slice(0, 10);
  return mail.renews ? `Renews on ${day} (UTC); cancel any time before then from your account.` : `Valid until ${day} (UTC).`;
}

/** The message that hands a buyer their new license key. */
function licenseEmail(mail: LicenseEmail): OutgoingMail {
  const product = `${mail.productName} ${mail.planName}`;
  const signIn = `${portalUrl()}/signin`;
  const validity = validityLine(mail);
  const text = [
    OPENING[mail.occasion](product),
    "",
    `Your license key: ${mail.key}`,
    validity,
    "",
    `Sign in to see your licenses and manage your machines: ${signIn}`,
    `Use this email address (${mail.to}) to sign in.`,
    "",
  ].join("\n");
  const html = [
    `<p>${escapeHtml(OPENING[mail.occasion](product))}</p>`,
    `<p>Your license key:<br><code style="font-size:1.2em">${escapeHtml(mail.key)}</code></p>`,
    `<p>${escapeHtml(validity)}</p>`,
    `<p><a href="${escapeHtml(signIn)}">Sign in</a> to see your licenses and manage your machines, with this email address (${escapeHtml(mail.to)}).</p>`,
  ].join("\n");
  return { to: mail.to, subject: `Your license key for ${product}`, text, html };
}

/**
 * Queues the key email in the caller's transaction (lib/email/outbox.ts): sent
 * after the commit and retried until the SMTP server takes it. The body, key
 * included, is stored sealed. Returns the email's id.
 */
export async function queueLicenseEmail(tx: Tx, mail: LicenseEmail): Promise<string> {
  return enqueueEmail(tx, { kind: "license_key", ...licenseEmail(mail) });
}

export type ReminderEmail = {
  to: string;
  productName: string;
  planName: string;
  /** the license's last 4-character group, so the customer knows which license */
  keyHint: string;
  expiresAt: Date;
  /**
   * `expiry`: the license simply ends then (no subscription renews it);
   * `ending`: a subscription set to end at its period's end (it will not renew; renewal can be turned back on);
   * `payment`: a subscription's renewal payment is failing, so it ends then unless the card is fixed.
   */
  reason: "expiry" | "ending" | "payment";
};

/** The reminder sent some days before an expiry (a subscription set to end included), or before a renewal whose payment is failing. */
function reminderEmail(mail: ReminderEmail): OutgoingMail {
  const product = `${mail.productName} ${mail.planName}`;
  const day = mail.expiresAt.toISOString().slice(0, 10);
  const signIn = `${portalUrl()}/signin`;
  const lines =
    mail.reason === "payment"
      ? [
          `The renewal payment for your ${product} license (key ending ${mail.keyHint}) has failed.`,
          `Unless the payment goes through, the license ends on ${day} (UTC).`,
          `Sign in to update your payment method: ${signIn}`,
        ]
      : mail.reason === "ending"
        ? [
            `Your ${product} subscription (key ending ${mail.keyHint}) is set to end and will not renew: the license expires on ${day} (UTC).`,
            `To keep it, sign in and turn renewal back on before then: ${signIn}`,
          ]
        : [
            `Your ${product} license (key ending ${mail.keyHint}) expires on ${day} (UTC).`,
            `Sign in to see your licenses and renew before then: ${signIn}`,
          ];
  const text = [...lines, `Use this email address (${mail.to}) to sign in.`, ""].join("\n");
  const html = lines.map((line) => `<p>${escapeHtml(line)}</p>`).join("\n");
  const subject = mail.reason === "payment" ? `Payment failed: your ${product} license ends on ${day}` : `Your ${product} license expires on ${day}`;
  return { to: mail.to, subject, text, html };
}

/** Queues the reminder in the caller's transaction (kind "renewal_reminder" for a failing payment, else "expiry_reminder"). Returns the email's id. */
export async function queueReminderEmail(tx: Tx, mail: ReminderEmail): Promise<string> {
  return enqueueEmail(tx, { kind: mail.reason === "payment" ? "renewal_reminder" : "expiry_reminder", ...reminderEmail(mail) });
}
