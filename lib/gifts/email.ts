// The email that offers a license to its receiver. It goes through the outbox
// (lib/email/outbox.ts) in the transaction that records the gift, so a gift
// rolled back sends nothing and an SMTP outage only delays it.
import type { Tx } from "../db/sql";
import { enqueueEmail } from "../email/outbox";
import { escapeHtml } from "../html/escape";
import { portalUrl } from "../portal/snippet";

export type GiftEmail = { to: string; from: string; productName: string; planName: string; token: string; expiresAt: Date };

/** The page the link opens: it asks the receiver to sign in as `to`, then to confirm. */
export function giftUrl(token: string): string {
  return `${portalUrl()}/account/gifts/${token}`;
}

/** Queues the offer in `tx`; returns the email's id (email_messages.id). */
export async function queueGiftEmail(tx: Tx, mail: GiftEmail): Promise<string> {
  const product = `${mail.productName} ${mail.planName}`;
  const link = giftUrl(mail.token);
  const until = `${mail.expiresAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const text = [
    `${mail.from} wants to give you their license for ${product}.`,
    "",
    `Accept it here: ${link}`,
    "",
    `Sign in with this address (${mail.to}) to accept. The link works until ${until}.`,
    "If you do not want it, ignore this email: nothing changes.",
    "",
  ].join("\n");
  const html = [
    `<p>${escapeHtml(mail.from)} wants to give you their license for ${escapeHtml(product)}.</p>`,
    `<p><a href="${escapeHtml(link)}">Accept the license</a></p>`,
    `<p>Sign in with this address (${escapeHtml(mail.to)}) to accept. The link works until ${escapeHtml(until)}.</p>`,
    "<p>If you do not want it, ignore this email: nothing changes.</p>",
  ].join("\n");
  return enqueueEmail(tx, { kind: "license_gift", to: mail.to, subject: `A license for ${product} is waiting for you`, text, html });
}
