// Job workers for tests that want them: the app's queues on the test file's
// database, polling often so tests wait for work in milliseconds, not seconds.
// Nothing else starts workers in tests: enqueued rows simply wait in the outbox.
import { afterAll } from "vitest";
import { appQueues } from "../jobs/app-queues";
import { startJobEngine, type JobEngine } from "../jobs/engine";

/**
 * Call at the top level AFTER setupTestDatabase() (so its engines stop before
 * the database is dropped). `start()` starts one more engine, like one more app
 * instance (its workers poll every 0.5 s unless `pollingIntervalSeconds` says otherwise);
 * all are stopped after the file.
 */
export function setupTestJobs(): { start: (options?: { work?: boolean; pollingIntervalSeconds?: number }) => Promise<JobEngine> } {
  const engines: JobEngine[] = [];
  afterAll(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop(2000)));
  });
  return {
    start: async (options = {}) => {
      const engine = await startJobEngine({
        connectionString: process.env.DATABASE_URL!,
        queues: appQueues(),
        pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
        work: options.work,
        log: () => {},
      });
      engines.push(engine);
      return engine;
    },
  };
}
