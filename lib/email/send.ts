import nodemailer, { type Transporter } from "nodemailer";
import { emailToAscii, parseEmailAddress } from "../http/input";

export type OutgoingMail = { to: string; subject: string; text: string; html?: string };

const DEFAULT_FROM = "License Portal <no-reply@localhost>";

// One pooled transport per process and SMTP URL: Next.js dev reloads modules, so the cache
// lives on globalThis rather than in a module variable.
const cache = globalThis as typeof globalThis & {
  __mailTransports?: Map<string, Transporter>;
};

function transportFor(url: string): Transporter {
  cache.__mailTransports ??= new Map();
  let transport = cache.__mailTransports.get(url);
  if (!transport) {
    transport = nodemailer.createTransport(url);
    cache.__mailTransports.set(url, transport);
  }
  return transport;
}

/**
 * Thrown for a recipient that is not exactly one email address: sending cannot succeed later
 * either, so the outbox gives up at once instead of retrying for days.
 */
export class UndeliverableAddressError extends Error {
  constructor() {
    super("The recipient is not exactly one email address; not sent");
    this.name = "UndeliverableAddressError";
  }
}

/**
 * Sends one message through the SMTP server in SMTP_URL (read on every call, so tests and
 * `npm start` can set it after import). Bodies carry license keys: nothing here logs them.
 */
export async function sendMail(message: OutgoingMail): Promise<void> {
  const url = process.env.SMTP_URL;
  if (!url) {
    throw new Error("SMTP_URL is not set; npm start sets it to the local mail catcher");
  }
  // Exactly one recipient, whatever the stored address holds. Addresses that someone else vouched
  // for (Stripe's customer_details.email, an OAuth profile) are kept as given when they are not one
  // address (lib/http/input.ts vouchedEmailIdentity); nodemailer would read "a@x.test, b@y.test" as
  // two recipients and send a license key to both. As an address object nothing is parsed again.
  const address = parseEmailAddress(message.to);
  if (!address) throw new UndeliverableAddressError();
  await transportFor(url).sendMail({
    from: process.env.EMAIL_FROM || DEFAULT_FROM,
    to: { name: "", address: emailToAscii(address) },
    subject: message.subject,
    text: message.text,
    ...(message.html === undefined ? {} : { html: message.html }),
  });
}
