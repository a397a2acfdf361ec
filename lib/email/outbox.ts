// The email outbox: every email the portal sends on its own (license keys,
// receipts, reminders, admin notices) is a row written in the transaction of
// the change that causes it and sent by a job, retried on EMAIL_RETRY_SCHEDULE
// until the SMTP server takes it. An SMTP outage delays mail but loses none.
// Sign-in links are NOT sent this way: they are sent at once (lib/auth/magic-link.ts),
// since a person is waiting for them and a late link is useless.
import { unseal, seal } from "../config/sealed";
import { db } from "../db/client";
import { inTransaction } from "../db/transaction";
import { sqlQuery, type Tx } from "../db/sql";
import { enqueueJob, withoutWaitingJob } from "../jobs/outbox";
import { defineQueue } from "../jobs/queue";
import { nextAttemptAt, retrySchedule } from "../jobs/retry-schedule";
import { sendMail, UndeliverableAddressError, type OutgoingMail } from "./send";

export const EMAIL_QUEUE = "email.send";

/** Default EMAIL_RETRY_SCHEDULE: seconds between attempts (about 1.5 days in all). */
export const DEFAULT_EMAIL_RETRY_SCHEDULE = [30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 43200];

/** An email to send through the outbox. */
export type QueuedEmail = OutgoingMail & {
  /** what it is, for the console's list: "license_key", "renewal_reminder", "webhook_endpoint_disabled", … */
  kind: string;
};

type EmailJob = { emailId: string; attempt: number };

/**
 * Records `message` in the caller's transaction; a job sends it after the
 * commit (never if the transaction rolls back), retrying on
 * EMAIL_RETRY_SCHEDULE. The body is stored sealed (AES-256-GCM, it may carry a
 * license key); the recipient, subject and kind stay readable for the console.
 *
 * `tx`: a Prisma transaction client or a `pg` client inside BEGIN (lib/db/sql.ts).
 * Returns the email's id (email_messages.id).
 */
export async function enqueueEmail(tx: Tx, message: QueuedEmail): Promise<string> {
  const body = seal("email-body", JSON.stringify({ text: message.text, html: message.html ?? null }));
  const [row] = await sqlQuery<{ id: string }>(
    tx,
    `INSERT INTO email_messages (kind, to_address, subject, body_ciphertext, next_attempt_at, updated_at)
     VALUES ($1, $2, $3, $4, now(), now()) RETURNING id::text`,
    [message.kind, message.to, message.subject, body],
  );
  await enqueueJob(tx, EMAIL_QUEUE, { emailId: row!.id, attempt: 0 } satisfies EmailJob);
  return row!.id;
}

/**
 * Sends a failed (or still pending) email again now, from the first delay of a
 * fresh retry schedule. The attempts already made stay counted (the console
 * shows every attempt), so the next one is numbered after them. Returns false
 * when there is no such email or it was sent.
 */
export async function resendEmail(tx: Tx, emailId: string): Promise<boolean> {
  const rows = await sqlQuery<{ attempts: number }>(
    tx,
    `UPDATE email_messages SET status = 'PENDING', schedule_from = attempts, next_attempt_at = now(), updated_at = now()
     WHERE id = $1::uuid AND status <> 'SENT' RETURNING attempts`,
    [emailId],
  );
  if (rows.length === 0) return false;
  // A job still scheduled for this attempt number (the old schedule's) finds it made and does nothing.
  await enqueueJob(tx, EMAIL_QUEUE, { emailId, attempt: rows[0]!.attempts } satisfies EmailJob);
  return true;
}

/**
 * Queues again (through the outbox, in one statement) every PENDING email
 * overdue by `graceSeconds` (next_attempt_at; default 120) for which no job is
 * waiting: its job was lost (given up by pg-boss after its retries, deleted,
 * archived), and without this it would never be sent. At most `limit` (default
 * 1000) per run; the minutely rescue (lib/jobs/rescue.ts) calls it. Returns the
 * ids queued.
 *
 * Never sends one attempt twice: the job names the attempt, and the sender takes
 * the row FOR UPDATE SKIP LOCKED and checks the attempt number, so a job for an
 * email being sent right now (its row locked; its job active, which this does
 * not look for) finds nothing to do, as does any second job for one attempt.
 */
export async function rescueStuckEmails(tx: Tx, options: { graceSeconds?: number; limit?: number } = {}): Promise<string[]> {
  const rows = await sqlQuery<{ id: string }>(
    tx,
    `WITH stuck AS (
       SELECT m.id, m.attempts FROM email_messages m
       WHERE m.id IN (SELECT s.id::uuid FROM (${withoutWaitingJob(
         `SELECT e.id::text AS id FROM email_messages e WHERE e.status = 'PENDING' AND e.next_attempt_at < now() - make_interval(secs => $2)`,
         "$1",
         "emailId",
       )}) AS s (id))
       ORDER BY m.next_attempt_at LIMIT $3
     )
     INSERT INTO job_outbox (name, data)
     SELECT $1, jsonb_build_object('emailId', id::text, 'attempt', attempts) FROM stuck
     RETURNING data->>'emailId' AS id`,
    [EMAIL_QUEUE, options.graceSeconds ?? 120, options.limit ?? 1000],
  );
  return rows.map((r) => r.id);
}

type EmailRow = { id: string; to_address: string; subject: string; body_ciphertext: string; attempts: number; schedule_from: number };

/**
 * One attempt. The row stays locked while the SMTP server is talked to, so two
 * workers holding jobs for the same email never both send it; a job for an
 * attempt that already happened (a duplicate, or one overtaken by a resend)
 * finds nothing to do. A worker that dies mid-send leaves the row pending and
 * pg-boss runs the job again: at least once, like any mail system.
 */
async function sendQueuedEmail({ emailId, attempt }: EmailJob): Promise<void> {
  await inTransaction(db(), async (client) => {
    const { rows } = await client.query<EmailRow>(
      `SELECT id, to_address, subject, body_ciphertext, attempts, schedule_from FROM email_messages
       WHERE id = $1 AND status = 'PENDING' AND attempts = $2 FOR UPDATE SKIP LOCKED`,
      [emailId, attempt],
    );
    const row = rows[0];
    if (!row) return;
    let error: string | null = null;
    let permanent = false;
    try {
      const body = JSON.parse(unseal("email-body", row.body_ciphertext)) as { text: string; html: string | null };
      await sendMail({ to: row.to_address, subject: row.subject, text: body.text, ...(body.html === null ? {} : { html: body.html }) });
    } catch (e) {
      // Only the message: an SMTP error object can carry the mail, key included.
      error = e instanceof Error ? e.message : String(e);
      permanent = e instanceof UndeliverableAddressError;
    }
    const attempts = row.attempts + 1;
    if (error === null) {
      await client.query(
        `UPDATE email_messages SET status = 'SENT', attempts = $2, sent_at = now(), next_attempt_at = NULL, last_error = NULL, updated_at = now() WHERE id = $1`,
        [row.id, attempts],
      );
    } else {
      // Counted from the current schedule's start: a resend begins again at its first delay.
      // An address that is not one address stays so: no retry.
      const next = permanent ? null : nextAttemptAt(retrySchedule("EMAIL_RETRY_SCHEDULE", DEFAULT_EMAIL_RETRY_SCHEDULE), attempts - row.schedule_from, new Date());
      await client.query(
        `UPDATE email_messages SET status = $3, attempts = $2, next_attempt_at = $4, last_error = $5, updated_at = now() WHERE id = $1`,
        [row.id, attempts, next ? "PENDING" : "FAILED", next, error.slice(0, 1000)],
      );
      if (next) await enqueueJob(client, EMAIL_QUEUE, { emailId: row.id, attempt: attempts } satisfies EmailJob, { startAfter: next });
    }
  });
}

/** The email queue for the job engine: several workers, so one slow SMTP answer does not hold up the rest. */
export const emailQueue = defineQueue<EmailJob>({ name: EMAIL_QUEUE, handle: sendQueuedEmail, workers: 2, batchSize: 5, expireInSeconds: 120 });
