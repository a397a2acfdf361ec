import nodemailer, { type Transporter } from "nodemailer";

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
 * Sends one message through the SMTP server in SMTP_URL (read on every call, so tests and
 * `npm start` can set it after import). Bodies carry license keys: nothing here logs them.
 */
export async function sendMail(message: OutgoingMail): Promise<void> {
  const url = process.env.SMTP_URL;
  if (!url) {
    throw new Error("SMTP_URL is not set; npm start sets it to the local mail catcher");
  }
  await transportFor(url).sendMail({
    from: process.env.EMAIL_FROM || DEFAULT_FROM,
    to: message.to,
    subject: message.subject,
    text: message.text,
    ...(message.html === undefined ? {} : { html: message.html }),
  });
}
