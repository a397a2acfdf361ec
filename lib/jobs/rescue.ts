// The minutely rescue of work whose job was lost. Deliveries and emails are
// rows with a status; their jobs only carry them forward. pg-boss can lose a
// job for good (its retries used up while a worker kept dying or the database
// kept failing under it; a job deleted or archived by hand), and then the row
// would stay PENDING forever. Once a minute across all instances (a pg-boss
// schedule) this queues such rows again through the outbox. Safe to run any
// number of times at once: every job names the attempt it is for, and the
// handlers' claims let one job only make that attempt.
import { db } from "../db/client";
import { rescueStuckEmails } from "../email/outbox";
import { componentLogger } from "../logging/logger";
import { rescueStuckDeliveries } from "../webhooks/rescue";
import { defineQueue } from "./queue";

export const RESCUE_QUEUE = "jobs.rescue";

/**
 * Queues again every stuck delivery and email (see rescueStuckDeliveries and
 * rescueStuckEmails: overdue by `graceSeconds`, default 120, no job waiting, not
 * being sent). Returns the ids queued, by kind.
 */
export async function rescueStuckWork(options: { graceSeconds?: number } = {}): Promise<{ deliveries: string[]; emails: string[] }> {
  const deliveries = await rescueStuckDeliveries(db(), options);
  const emails = await rescueStuckEmails(db(), options);
  if (deliveries.length + emails.length > 0) {
    // A lost job is worth a look (a worker crashing on every try, a hand-edited queue).
    componentLogger("jobs").warn(`rescued ${deliveries.length} webhook deliveries and ${emails.length} emails whose job was lost`);
  }
  return { deliveries, emails };
}

export const rescueQueue = defineQueue({
  name: RESCUE_QUEUE,
  handle: async () => void (await rescueStuckWork()),
  cron: "* * * * *",
  expireInSeconds: 120,
});
