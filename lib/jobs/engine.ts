// The job engine: pg-boss 10 in the portal's own PostgreSQL (schema "pgboss",
// created and migrated by pg-boss itself on start), fed by the transactional
// outbox (lib/jobs/outbox.ts). Every app instance runs one engine: workers for
// every queue, and pg-boss's cron, which fires each schedule once per slot
// across all instances.
//
// How an outbox row becomes a running job without polling the outbox: the
// insert trigger NOTIFYs "job_outbox" at commit; every engine LISTENs and
// drains at once, then wakes its own workers for the queues it filled. Other
// instances' workers find the jobs at their next pg-boss poll. A minutely
// "outbox.sweep" schedule and the drain at start catch rows whose NOTIFY no
// engine heard (all instances down at the time).
import PgBoss from "pg-boss";
import pg from "pg";
import { componentLogger } from "../logging/logger";
import { drainOutbox, JOBS_READY_CHANNEL } from "./outbox";
import type { QueueDefinition } from "./queue";

export type JobEngine = {
  boss: PgBoss;
  /** moves committed outbox rows into pg-boss now; resolves with the number moved */
  drain: () => Promise<number>;
  /**
   * Stops at once taking new jobs; lets running jobs finish for `graceMs`
   * (default shutdownGraceMs()); then aborts the handlers' `signal` and, after
   * at most ABORT_MARGIN_MS more, has pg-boss fail whatever still runs so it is
   * retried (by any instance); closes the engine's connections. Resolves within
   * about `graceMs + ABORT_MARGIN_MS`. Calling it again returns the same promise.
   */
  stop: (graceMs?: number) => Promise<void>;
};

/**
 * How long running jobs may take to finish when an instance stops, in ms:
 * JOBS_SHUTDOWN_GRACE_SECONDS (default 10, the longest a webhook delivery's
 * HTTP request may take). Throws on a value that is not a non-negative number.
 */
export function shutdownGraceMs(): number {
  const raw = process.env.JOBS_SHUTDOWN_GRACE_SECONDS?.trim();
  const seconds = raw ? Number(raw) : 10;
  if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`JOBS_SHUTDOWN_GRACE_SECONDS must be a number of seconds, got "${raw}"`);
  return seconds * 1000;
}

/**
 * After the grace period, how long aborted handlers get to give their work back
 * (a delivery releases its lease: one UPDATE) before pg-boss fails what is left.
 */
export const ABORT_MARGIN_MS = 3_000;

export type JobEngineOptions = {
  connectionString: string;
  queues: readonly QueueDefinition[];
  /** seconds between a worker's polls when idle (pg-boss minimum 0.5); default JOBS_POLL_SECONDS or 5 */
  pollingIntervalSeconds?: number;
  /** false: queues and schedules are created but no worker runs here; default true */
  work?: boolean;
  log?: (line: string) => void;
};

const SWEEP_QUEUE = "outbox.sweep";

/**
 * Seconds between an idle worker's polls, unless JOBS_POLL_SECONDS says otherwise. Jobs drained from
 * the outbox and due at once wake this instance's workers, and so do the start-up jobs; an instance
 * without workers (JOBS_WORKERS=0) announces the jobs it drained, and that wakes the workers of every
 * other instance (JOBS_READY_CHANNEL). A poll is how a worker finds the rest: jobs due later (retries
 * 5 s or more after a failure, webhook and email attempts 30 s or more, precise lifecycle ticks) and
 * jobs fired by a schedule. So those may start up to this long after they are due. The portal runs
 * 14 workers; measured idle (scripts/bench/idle-cpu.ts, 60 s, two runs each): at 2 s 8.2–8.5 database transactions a second,
 * 25.5–27.8 ms/s of Node CPU and 17.0–19.3 ms/s of PostgreSQL's; at 5 s 4.1–4.3, 18.7–21.0 and
 * 11.5–15.5.
 */
const DEFAULT_POLL_SECONDS = 5;

/**
 * Starts pg-boss, creates the queues and schedules, starts the workers and the
 * outbox listener, and drains what the outbox already holds. Safe to call from
 * several processes on one database at once (pg-boss serialises its own
 * migration with an advisory lock; createQueue and schedule are upserts).
 */
export async function startJobEngine(options: JobEngineOptions): Promise<JobEngine> {
  const log = options.log ?? ((line: string) => componentLogger("jobs").info(line));
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? Number(process.env.JOBS_POLL_SECONDS ?? DEFAULT_POLL_SECONDS);
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: "pgboss",
    application_name: "license-portal-jobs",
    max: 4,
    // Cron slots are checked every 10 s (not 30) so a minutely schedule fires early in its minute.
    cronMonitorIntervalSeconds: 10,
    cronWorkerIntervalSeconds: 2,
    // How soon a job whose worker died (expireInSeconds passed) is failed and retried:
    // every 30 s instead of pg-boss's 120, once across instances.
    maintenanceIntervalSeconds: 30,
  });
  boss.on("error", (error: Error) => log(`pg-boss: ${error.message}`));
  await boss.start();

  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2, application_name: "license-portal-outbox" });
  pool.on("error", () => {});
  const sweep: QueueDefinition = { name: SWEEP_QUEUE, cron: "* * * * *", handle: async () => void (await drain()) };
  const queues = [...options.queues, sweep];
  const names = queues.map((q) => q.name);
  const workerIds = new Map<string, string[]>();

  for (const queue of queues) {
    const settings = {
      retryLimit: queue.retryLimit ?? 2,
      retryDelay: queue.retryDelay ?? 5,
      retryBackoff: queue.retryBackoff ?? true,
      expireInSeconds: queue.expireInSeconds ?? 60,
    };
    // createQueue is "insert if absent" in pg-boss 10; updateQueue applies changed settings to an existing one.
    await retryDeadlocks(() => boss.createQueue(queue.name, { name: queue.name, ...settings }), log);
    await retryDeadlocks(() => boss.updateQueue(queue.name, { name: queue.name, ...settings }), log);
    if (queue.cron) await retryDeadlocks(() => boss.schedule(queue.name, queue.cron!, {}, { tz: "UTC" }), log);
  }

  let stopped = false;
  let stopping: Promise<void> | null = null;
  // Aborted when the shutdown grace period runs out: every handler sees it as JobContext.signal.
  const abort = new AbortController();
  let draining: Promise<number> | null = null;
  let again = false;
  async function drainOnce(): Promise<number> {
    const moved = await drainOutbox(pool, boss, names, { announce: options.work === false });
    let total = 0;
    for (const [name, count] of moved) {
      total += count;
      for (const id of workerIds.get(name) ?? []) boss.notifyWorker(id);
    }
    return total;
  }
  // Coalesces bursts of NOTIFYs: one drain at a time, and one more if any arrived meanwhile.
  function drain(): Promise<number> {
    if (draining) {
      again = true;
      return draining;
    }
    draining = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await drainOnce();
        } while (again && !stopped);
      } finally {
        draining = null;
      }
      return total;
    })();
    return draining;
  }
  const drainQuietly = () => void drain().catch((error: Error) => log(`outbox drain failed: ${error.message}`));

  if (options.work !== false) {
    for (const queue of queues) {
      const ids: string[] = [];
      for (let i = 0; i < (queue.workers ?? 1); i++) {
        let id = "";
        id = await boss.work<Record<string, unknown>>(
          queue.name,
          { batchSize: queue.batchSize ?? 1, includeMetadata: true, pollingIntervalSeconds },
          async (jobs) => {
            await runBatch(boss, queue, jobs, abort.signal, log);
            // pg-boss 10 waits its polling interval after every batch, even a full one; a full
            // batch means more is waiting, so fetch again at once (measured: 30 → 100+ deliveries/s).
            if (jobs.length >= (queue.batchSize ?? 1)) boss.notifyWorker(id);
          },
        );
        ids.push(id);
      }
      workerIds.set(queue.name, ids);
    }
  }

  // Jobs another instance without workers moved: wake this instance's workers of those queues.
  const wake = (queueNames: string) => {
    for (const name of queueNames.split(",")) for (const id of workerIds.get(name) ?? []) boss.notifyWorker(id);
  };
  // Each time the listener (re)connects: drain the rows committed while nobody listened, and wake
  // every worker, since an announcement sent meanwhile (JOBS_READY_CHANNEL) was lost with the
  // connection and would otherwise leave its jobs to the next poll. A wake costs one fetch per worker.
  const caughtUp = () => {
    drainQuietly();
    wake(names.join(","));
  };
  const listener = await listen(options.connectionString, drainQuietly, wake, caughtUp, log, () => stopped);
  await drain();
  for (const queue of queues) {
    if (!queue.runAtStart) continue;
    await boss.send(queue.name, { atStart: true });
    // Sent past the outbox: wake the queue's workers rather than leave the catch-up to their next poll.
    for (const id of workerIds.get(queue.name) ?? []) boss.notifyWorker(id);
  }

  return {
    boss,
    drain,
    stop: (graceMs = shutdownGraceMs()) => {
      stopping ??= (async () => {
        stopped = true;
        await listener.close();
        await draining?.catch(() => {});
        const timer = setTimeout(() => abort.abort(new Error("the job engine is shutting down")), graceMs);
        try {
          // pg-boss: every worker stops fetching at once (a fetch already under way still hands
          // its jobs over); running jobs are waited for (checked every 0.5 s) until the timeout;
          // then the jobs still held are failed, so pg-boss retries them after their retryDelay,
          // and its connections are closed.
          await boss.stop({ graceful: true, wait: true, timeout: graceMs + ABORT_MARGIN_MS });
        } finally {
          clearTimeout(timer);
          await pool.end();
        }
      })();
      return stopping;
    },
  };
}

/**
 * Runs `step` again (up to 5 times, after a short random pause) when PostgreSQL
 * aborted it as a deadlock victim (SQLSTATE 40P01). pg-boss 10's create_queue
 * locks its queue table and creates a partition: several instances starting at
 * once on a fresh database can deadlock there, and the victim's step must simply
 * run again (it is an upsert). Any other error is thrown at once.
 */
async function retryDeadlocks<T>(step: () => Promise<T>, log: (line: string) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if ((error as { code?: string }).code !== "40P01" || attempt >= 5) throw error;
      log(`pg-boss: deadlock while creating queues (attempt ${attempt}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

/** Handles a fetched batch concurrently; a throwing job fails alone (pg-boss completes the others). */
async function runBatch(
  boss: PgBoss,
  queue: QueueDefinition,
  jobs: PgBoss.JobWithMetadata<Record<string, unknown>>[],
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  const results = await Promise.allSettled(
    jobs.map((job) => queue.handle(job.data, { id: job.id, name: job.name, retryCount: job.retryCount, retryLimit: job.retryLimit, signal })),
  );
  await Promise.all(
    results.map(async (result, i) => {
      if (result.status === "fulfilled") return;
      const error = result.reason as Error;
      log(`${queue.name} job ${jobs[i]!.id} failed: ${error?.message ?? error}`);
      await boss.fail(queue.name, jobs[i]!.id, { message: String(error?.message ?? error) });
    }),
  );
}

/**
 * LISTEN job_outbox (rows to drain: `onNotify`) and JOBS_READY_CHANNEL (jobs moved by an instance
 * without workers: `onReady` with the queue names) on a dedicated connection, reconnecting every
 * 1 s after a loss (database restart, terminated backend). `onListening` runs once LISTEN holds, on
 * the first connection and on every reconnection: what was notified in between is lost.
 */
async function listen(
  connectionString: string,
  onNotify: () => void,
  onReady: (queueNames: string) => void,
  onListening: () => void,
  log: (line: string) => void,
  isStopped: () => boolean,
): Promise<{ close: () => Promise<void> }> {
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | undefined;
  const connect = async () => {
    const c = new pg.Client({ connectionString, application_name: "license-portal-outbox-listener" });
    c.on("notification", (message) => (message.channel === JOBS_READY_CHANNEL ? onReady(message.payload ?? "") : onNotify()));
    c.on("error", () => {
      c.end().catch(() => {});
      if (client === c) client = null;
      if (!isStopped()) timer = setTimeout(reconnect, 1000);
    });
    await c.connect();
    await c.query(`LISTEN job_outbox; LISTEN ${JOBS_READY_CHANNEL}`);
    client = c;
    onListening();
  };
  const reconnect = () => {
    connect().catch((error: Error) => {
      log(`outbox listener: ${error.message}; retrying`);
      if (!isStopped()) timer = setTimeout(reconnect, 1000);
    });
  };
  await connect();
  return {
    close: async () => {
      clearTimeout(timer);
      await client?.end().catch(() => {});
      client = null;
    },
  };
}
