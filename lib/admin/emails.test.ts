// The console's Emails page and its Resend against real PostgreSQL, the real
// job engine and a real SMTP catcher (which refuses the .invalid domain with
// 550): a resend makes one more attempt, counted after those already made,
// from the first delay of a fresh schedule; once the mail server takes the
// email it arrives once and leaves the list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { startMailCatcher, type MailCatcher } from "../email/catcher";
import { enqueueEmail } from "../email/outbox";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { consoleActions } from "./console-actions";
import { listUndeliveredEmails } from "./emails";
import { auditEntries, createUser, fakeDeps, form } from "./test-kit";

setupTestDatabase();
const jobs = setupTestJobs();

let mail: MailCatcher;
beforeAll(async () => {
  mail = await startMailCatcher();
  process.env.SMTP_URL = mail.smtpUrl;
  // An hour before any scheduled retry: every attempt a test sees within it is the first one or a resend.
  process.env.EMAIL_RETRY_SCHEDULE = "3600,3600,3600";
  await jobs.start();
});
afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.EMAIL_RETRY_SCHEDULE;
  await mail.stop();
});

/** Polls the email's row until `done` holds for it. */
async function emailRow(id: string, done: (row: { attempts: number; status: string }) => boolean) {
  const started = Date.now();
  for (;;) {
    const row = await prisma().emailMessage.findUniqueOrThrow({ where: { id } });
    if (done(row)) return row;
    if (Date.now() - started > 20_000) throw new Error(`email ${id}: still ${row.status} after ${row.attempts} attempts`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const queue = (to: string) => prisma().$transaction((tx) => enqueueEmail(tx, { kind: "license_key", to, subject: "Your key", text: "ZP-KEY" }));

describe("resending an email from the console", () => {
  it("a refused email is tried again at once: attempts 1 → 2, still listed with the server's answer, next try a fresh schedule's first delay away", async () => {
    const to = `bounce-${Date.now()}@mailer.invalid`;
    const id = await queue(to);
    const first = await emailRow(id, (r) => r.attempts === 1);
    expect(first).toMatchObject({ status: "PENDING", scheduleFrom: 0 });
    expect(first.lastError).toContain("550");

    const deps = fakeDeps(await createUser("ADMIN"));
    const clicked = Date.now();
    expect(await consoleActions(deps).resendEmail({}, form({ emailId: id }))).toMatchObject({ ok: true, message: `Email to ${to} queued to be sent again now.` });
    const second = await emailRow(id, (r) => r.attempts === 2);
    expect(second).toMatchObject({ status: "PENDING", scheduleFrom: 1 });
    expect(second.lastError).toContain("550");
    // The fresh schedule's first delay (3600 s) from the resend's attempt, not the old schedule's second.
    expect(second.nextAttemptAt!.getTime() - clicked).toBeGreaterThanOrEqual(3600_000);

    // What the Emails page lists: the row with both attempts.
    const page = await listUndeliveredEmails({ page: 1 });
    expect(page.items.find((m) => m.id === id)).toMatchObject({ to, status: "PENDING", attempts: 2 });
    // Its totals (counted along the status index) are the undelivered rows', each state's too.
    expect(page.total).toBe(await prisma().emailMessage.count({ where: { status: { in: ["PENDING", "FAILED"] } } }));
    for (const status of ["PENDING", "FAILED"] as const) {
      expect((await listUndeliveredEmails({ status, page: 1 })).total).toBe(await prisma().emailMessage.count({ where: { status } }));
    }
    expect(await auditEntries("email.resend", id)).toHaveLength(1);
    expect(mail.messages().filter((m) => m.to.includes(to))).toHaveLength(0);
  }, 60_000);

  it("an email that failed while the mail server was down arrives once after a resend, and leaves the list", async () => {
    const to = `late-${Date.now()}@example.com`;
    process.env.SMTP_URL = "smtp://127.0.0.1:1"; // nothing listens there
    let id: string;
    try {
      id = await queue(to);
      const failed = await emailRow(id, (r) => r.attempts === 1);
      expect(failed.status).toBe("PENDING");
      expect(failed.lastError).toMatch(/ECONNREFUSED|connect/);
    } finally {
      process.env.SMTP_URL = mail.smtpUrl;
    }
    expect(mail.messages().filter((m) => m.to.includes(to))).toHaveLength(0);

    const deps = fakeDeps(await createUser("ADMIN"));
    expect((await consoleActions(deps).resendEmail({}, form({ emailId: id }))).ok).toBe(true);
    const sent = await mail.waitFor((m) => m.to.includes(to), 20_000);
    expect(sent.text).toContain("ZP-KEY");
    expect(await emailRow(id, (r) => r.status === "SENT")).toMatchObject({ attempts: 2, lastError: null });
    expect((await listUndeliveredEmails({ page: 1 })).items.map((m) => m.id)).not.toContain(id);

    // Sent: a second resend is refused, and nothing more arrives.
    expect(await consoleActions(deps).resendEmail({}, form({ emailId: id }))).toMatchObject({ error: "That email was already sent." });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(mail.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  }, 60_000);
});
