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
   * Why the customer gets the key: `purchase` after a paid checkout, `issued` when the vendor
   * issued the license by hand (no purchase to thank anyone for), `resend` when it is sent again.
   */
  occasion: "purchase" | "issued" | "resend";
};

const OPENING: Record<LicenseEmail["occasion"], (product: string) => string> = {
  purchase: (product) => `Thank you for buying ${product}.`,
  issued: (product) => `You have been given a license for ${product}.`,
  resend: (product) => `Here is your license key for ${product} again, as requested.`,
};

/** The message that hands a buyer their new license key. */
function licenseEmail(mail: LicenseEmail): OutgoingMail {
  const product = `${mail.productName} ${mail.planName}`;
  const signIn = `${portalUrl()}/signin`;
  const validity = mail.expiresAt ? `Valid until ${mail.expiresAt.toISOString().slice(0, 10)} (UTC).` : "It does not expire.";
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
