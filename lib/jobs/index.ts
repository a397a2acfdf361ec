// The process's job engine (lib/jobs/engine.ts with every queue of the app),
// started by the production server (scripts/start.ts) in every instance, and
// by tests that want workers (lib/test/jobs.ts). Nothing starts it on import:
// code that only enqueues (enqueueJob, recordWebhookEvent, enqueueEmail) needs
// no running engine; its rows wait in the outbox until one runs.
import { startJobEngine, type JobEngine } from "./engine";
import { appQueues } from "./app-queues";
import { directDatabaseUrl } from "../db/client";

const KEY = Symbol.for("license-portal.jobs");
const store = globalThis as unknown as { [KEY]?: Promise<JobEngine> };

export { enqueueJob, type EnqueueOptions } from "./outbox";
export { ABORT_MARGIN_MS, shutdownGraceMs, type JobEngine } from "./engine";

/**
 * Starts this process's workers on directDatabaseUrl() (DATABASE_DIRECT_URL,
 * else DATABASE_URL: pg-boss needs a session; once; later calls return the same engine). `JOBS_WORKERS=0` starts none (an instance that only serves
 * requests; another instance must run workers).
 */
export function startJobs(options: { log?: (line: string) => void } = {}): Promise<JobEngine> {
  const url = directDatabaseUrl();
  store[KEY] ??= startJobEngine({ connectionString: url, queues: appQueues(), work: process.env.JOBS_WORKERS !== "0", log: options.log }).catch(
    (error: unknown) => {
      store[KEY] = undefined;
      throw error;
    },
  );
  return store[KEY];
}

/** The running engine, or null when this process started none. */
export async function runningJobs(): Promise<JobEngine | null> {
  return (await store[KEY]?.catch(() => null)) ?? null;
}

/**
 * Stops this process's engine (see JobEngine.stop): no new jobs at once, running
 * ones get `graceMs` (default JOBS_SHUTDOWN_GRACE_SECONDS, 10 s) to finish, the
 * rest are left to pg-boss's retry. Resolves within about graceMs + 3 s.
 */
export async function stopJobs(graceMs?: number): Promise<void> {
  const engine = await runningJobs();
  store[KEY] = undefined;
  await engine?.stop(graceMs);
}
