// What a queue is to the job engine: its pg-boss name, how its jobs are handled
// and, for periodic work, its schedule. Each capability declares its own queues
// (lib/webhooks/deliver.ts, lib/email/outbox.ts, lib/lifecycle/queues.ts) and
// lib/jobs/app-queues.ts lists them for the engine.

/** One job as a handler sees it. */
export type JobContext = {
  id: string;
  name: string;
  retryCount: number;
  retryLimit: number;
  /**
   * Aborted when this instance is shutting down and its grace period
   * (JOBS_SHUTDOWN_GRACE_SECONDS) has run out. A handler that can stop part-way
   * (an HTTP request) should stop, undo any claim it holds so another instance
   * can take the work, and throw: pg-boss then retries the job. Handlers that
   * ignore it are failed for retry by pg-boss a few seconds later.
   */
  signal: AbortSignal;
};

export type QueueDefinition<Data = Record<string, unknown>> = {
  /** pg-boss queue name, e.g. "webhook.deliver" */
  name: string;
  /**
   * Handles one job. Throwing fails that job only; pg-boss then retries it up to
   * `retryLimit` times (with `retryDelay` seconds between, doubled each time
   * when `retryBackoff`). Handlers must be idempotent: a job whose worker died is
   * run again after `expireInSeconds`.
   */
  handle: (data: Data, job: JobContext) => Promise<void>;
  /** jobs fetched at once by one worker (handled concurrently); default 1 */
  batchSize?: number;
  /** workers per instance; default 1 */
  workers?: number;
  retryLimit?: number;
  retryDelay?: number;
  retryBackoff?: boolean;
  /** seconds a job may run before pg-boss considers its worker dead and retries it; default 60 */
  expireInSeconds?: number;
  /**
   * A cron schedule (UTC, minute granularity, pg-boss `schedule`): one job per
   * slot across all instances, whichever instance's worker takes it.
   */
  cron?: string;
  /**
   * Also send one job (data `{ atStart: true }`; a scheduled one has `{}`) when an engine starts, for periodic work that
   * must catch up at once after every instance was down rather than at the
   * next slot. Each starting instance sends one: the handler must be idempotent.
   */
  runAtStart?: boolean;
};

/** Keeps `Data` checked at the definition while the engine sees one list. */
export function defineQueue<Data>(definition: QueueDefinition<Data>): QueueDefinition {
  return definition as unknown as QueueDefinition;
}
