// The license lifecycle's jobs, on pg-boss schedules (one job per slot across
// all instances, lib/jobs/engine.ts), each also run once when an engine
// starts, so what fell due while every instance was down is done at once:
//
// - "lifecycle.tick", every minute: license.expired and machine.heartbeat_dead
//   for what passed its moment (lib/lifecycle/moments.ts), then one precise
//   tick queued at each moment of the coming minute, so an event leaves
//   seconds after its moment rather than up to a minute later.
// - "lifecycle.reminders", every 10 minutes: reminder emails (reminders.ts).
// - "lifecycle.prune", hourly: expired sign-in tokens, idempotency keys, old answers (prune.ts).
//
// Every handler is idempotent (markers written with the event, SKIP LOCKED
// claims), so a duplicate tick, or two instances' start ticks, do nothing twice.
import { db } from "../db/client";
import { enqueueJob } from "../jobs/outbox";
import { defineQueue } from "../jobs/queue";
import { componentLogger } from "../logging/logger";
import { reportDeadMachines, reportExpiries, upcomingMoments } from "./moments";
import { pruneExpired } from "./prune";
import { queueDueReminders } from "./reminders";

export const LIFECYCLE_TICK_QUEUE = "lifecycle.tick";
export const LIFECYCLE_REMINDERS_QUEUE = "lifecycle.reminders";
export const LIFECYCLE_PRUNE_QUEUE = "lifecycle.prune";

/** `precise`: a tick queued for one moment; it reports what is due and queues nothing further. */
type TickJob = { precise?: boolean; atStart?: boolean };

/** How far ahead the minutely tick looks for moments: a minute, plus the slack of pg-boss's cron (checked every 10 s). */
const LOOKAHEAD_MS = 70_000;

const log = () => componentLogger("lifecycle");

async function tick(data: TickJob): Promise<void> {
  const now = new Date();
  const expired = await reportExpiries(now);
  const dead = await reportDeadMachines(now);
  if (expired + dead > 0) log().info(`lifecycle: ${expired} license.expired, ${dead} machine.heartbeat_dead`);
  if (data.precise) return;
  // Rows of the outbox, like any job: a tick lost with its process is not lost
  // with it, and the next minutely tick would catch its moments anyway.
  for (const at of await upcomingMoments(now, LOOKAHEAD_MS)) {
    await enqueueJob(db(), LIFECYCLE_TICK_QUEUE, { precise: true } satisfies TickJob, { startAfter: at });
  }
}

export const lifecycleTickQueue = defineQueue<TickJob>({
  name: LIFECYCLE_TICK_QUEUE,
  handle: tick,
  cron: "* * * * *",
  runAtStart: true,
  expireInSeconds: 300,
  retryDelay: 5,
});

export const lifecycleRemindersQueue = defineQueue({
  name: LIFECYCLE_REMINDERS_QUEUE,
  handle: async () => {
    const queued = await queueDueReminders(new Date());
    if (queued > 0) log().info(`lifecycle: ${queued} reminder emails queued`);
  },
  cron: "*/10 * * * *",
  runAtStart: true,
  expireInSeconds: 300,
});

export const lifecyclePruneQueue = defineQueue({
  name: LIFECYCLE_PRUNE_QUEUE,
  handle: async () => {
    const pruned = await pruneExpired(new Date());
    if (Object.values(pruned).some((n) => n > 0)) log().info(`lifecycle: pruned ${JSON.stringify(pruned)}`);
  },
  cron: "17 * * * *",
  runAtStart: true,
  expireInSeconds: 600,
});
