// The email outbox against a real PostgreSQL and the mail catcher's SMTP server: one attempt of a
// queued email, as the job engine runs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { startMailCatcher, type MailCatcher } from "./catcher";
import { emailQueue, enqueueEmail } from "./outbox";

setupTestDatabase();

let catcher: MailCatcher;
const savedSmtp = process.env.SMTP_URL;
beforeAll(async () => {
  catcher = await startMailCatcher();
  process.env.SMTP_URL = catcher.smtpUrl;
});
afterAll(async () => {
  await catcher.stop();
  if (savedSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = savedSmtp;
});

async function queue(to: string): Promise<string> {
  const client = await db().connect();
  try {
    await client.query("BEGIN");
    const id = await enqueueEmail(client, { kind: "license_key", to, subject: `Key for ${to}`, text: "ZP-AAAAA-BBBBB-CCCCC-DDDDD" });
    await client.query("COMMIT");
    return id;
  } finally {
    client.release();
  }
}
const attempt = (emailId: string) =>
  emailQueue.handle({ emailId, attempt: 0 }, { id: "job", name: emailQueue.name, retryCount: 0, retryLimit: 0, signal: new AbortController().signal });
const row = async (id: string) =>
  (await db().query("SELECT status, attempts, next_attempt_at, last_error FROM email_messages WHERE id = $1", [id])).rows[0];

describe("an email whose recipient is not exactly one address", () => {
  // A Stripe buyer's address is kept as given when it is not one address (lib/payments/webhooks/customer.ts);
  // nodemailer sent the key to every address of "a@x.test, b@x.test", and a failure was retried for 1.5 days.
  it("fails at its first attempt without a retry and reaches nobody; one address is sent", async () => {
    const list = await queue("kim@example.com, eve@example.com");
    await attempt(list);
    expect(await row(list)).toEqual({ status: "FAILED", attempts: 1, next_attempt_at: null, last_error: "The recipient is not exactly one email address; not sent" });
    const one = await queue("kim@example.com");
    await attempt(one);
    expect(await row(one)).toMatchObject({ status: "SENT", attempts: 1 });
    expect(catcher.messages().map((m) => m.to)).toEqual([["kim@example.com"]]);
  });
});
