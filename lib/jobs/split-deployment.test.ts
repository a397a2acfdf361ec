// A split deployment: web instances without workers (JOBS_WORKERS=0) and a worker instance, on one
// database. Any instance may drain the outbox; when one without workers moved the jobs, they used
// to wait for the worker instance's next poll (up to JOBS_POLL_SECONDS, 5 s by default). Now the
// mover announces them (lib/jobs/outbox.ts JOBS_READY_CHANNEL) and the worker instance fetches
// them at once, and still does when the announcement was lost because its listener was
// reconnecting (it wakes every worker once LISTEN holds again). Real PostgreSQL, the real job
// engine, a real receiver verifying the delivery with `standardwebhooks`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import type { JobEngine } from "./engine";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { createEndpoint } from "../webhooks/endpoints";
import { recordLicenseEvent } from "../webhooks/record";

setupTestDatabase();

/** The worker instance's poll: far longer than the test waits, so only a wake-up can deliver in time. */
const POLL_SECONDS = 120;

const jobs = setupTestJobs();
let receiver: WebhookReceiver;
const start = (work: boolean) => jobs.start({ work, pollingIntervalSeconds: POLL_SECONDS });

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.suspended"] });
  receiver.secret = endpoint.secret;
});
afterAll(async () => {
  await receiver.close();
});

/**
 * Records a license.suspended event whose job is written without the outbox's NOTIFY (triggers off
 * in its transaction), so that `web`, not the worker instance, is the one that moves it.
 */
async function suspendedEventMovedBy(web: JobEngine, licenseId: string): Promise<string> {
  const eventId = await prisma().$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
    return recordLicenseEvent(tx, "license.suspended", licenseId);
  });
  if (!eventId) throw new Error("no event recorded: the receiver's endpoint should subscribe to license.suspended");
  const moved = await web.drain();
  expect(moved).toBeGreaterThanOrEqual(1);
  const { rows } = await db().query<{ state: string }>(
    `SELECT state::text FROM pgboss.job WHERE name = 'webhook.deliver' AND data->>'deliveryId' IN (SELECT id::text FROM webhook_deliveries WHERE event_id = $1)`,
    [eventId],
  );
  expect(rows).toHaveLength(1);
  return eventId;
}

/** Backends of every engine's outbox listener (lib/jobs/engine.ts `listen`). */
async function listenerBackends(): Promise<number> {
  const { rows } = await db().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'license-portal-outbox-listener' AND datname = current_database()`,
  );
  return rows[0]!.n;
}

describe("an instance without workers", () => {
  let web: JobEngine;
  it("moves an event's job into pg-boss and the worker instance delivers it at once, not at its next poll", async () => {
    await start(true);
    web = await start(false);
    // Past the workers' first fetch at start: their next one is POLL_SECONDS away.
    await new Promise((r) => setTimeout(r, 2_000));

    const { license } = await createLicense();
    const eventId = await suspendedEventMovedBy(web, license.id);

    const received = await receiver.waitFor((r) => r.some((e) => e.id === eventId), 30_000);
    expect(received.filter((e) => e.id === eventId)).toHaveLength(1);
    expect(receiver.rejected).toBe(0);
  }, 60_000);

  it("an announcement made while the worker instance's listener was reconnecting is still fetched at once", async () => {
    const { license } = await createLicense();
    // Every listener loses its connection (as in a database restart) and reconnects 1 s later.
    await db().query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'license-portal-outbox-listener' AND datname = current_database()`);
    for (let i = 0; (await listenerBackends()) > 0; i++) {
      expect(i).toBeLessThan(50);
      await new Promise((r) => setTimeout(r, 10));
    }
    const eventId = await suspendedEventMovedBy(web, license.id);
    // The announcement went out while no listener was connected: nobody heard it.
    expect(await listenerBackends()).toBe(0);

    const received = await receiver.waitFor((r) => r.some((e) => e.id === eventId), 30_000);
    expect(received.filter((e) => e.id === eventId)).toHaveLength(1);
    expect(receiver.rejected).toBe(0);
  }, 60_000);
});
