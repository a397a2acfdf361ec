// The webhook scenario of `npm run bench` (also runnable alone:
// `DATABASE_URL=<a server> node --import tsx scripts/bench/webhooks.ts`):
// sustained BENCH_WEBHOOK_RATE events/s (default 100) for BENCH_WEBHOOK_SECONDS
// (default 30), each recorded in its own committed transaction exactly as the
// app records them (recordLicenseEvent: event, delivery and outbox row), into
// the job engine (pg-boss, the app's own queues and worker settings) with one
// local receiver that verifies every signature with `standardwebhooks`.
// Reports the delivery queue's depth (sampled each second) and the latency
// from commit to the receiver's verified arrival (p50/p99/max).
// Producer, engine and receiver share this one process, as they would share a
// small instance; on a busy machine they compete for its CPU.
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";

type Result = { events: number; seconds: number; delivered: number; p50: number; p99: number; max: number; depthMax: number; depthMean: number };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Runs the scenario against the migrated database `url`; `log` gets progress lines. */
export async function benchWebhooks(url: string, log: (line: string) => void): Promise<Result> {
  process.env.DATABASE_URL = url;
  process.env.LICENSE_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.LOG_LEVEL ??= "warn";
  const rate = Number(process.env.BENCH_WEBHOOK_RATE ?? 100);
  const seconds = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 30);
  // Imported here: the database modules read DATABASE_URL on first use.
  const { closeDatabase } = await import("../../lib/db/client");
  const { appQueues } = await import("../../lib/jobs/app-queues");
  const { startJobEngine } = await import("../../lib/jobs/engine");
  const { jobQueueDepths } = await import("../../lib/jobs/depth");
  const { createLicense } = await import("../../lib/test/licenses");
  const { startWebhookReceiver } = await import("../../lib/test/webhook-receiver");
  const { createEndpoint } = await import("../../lib/webhooks/endpoints");
  const { recordLicenseEvent } = await import("../../lib/webhooks/record");

  const receiver = await startWebhookReceiver();
  const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url });
  receiver.secret = endpoint.secret;
  const { license } = await createLicense();
  const engine = await startJobEngine({ connectionString: url, queues: appQueues(), log: () => {} });

  // The producer stands for the requests making changes; it has a pool of its own so that, on a
  // loaded machine, its waits for connections are not charged to the engine (it used the engine's
  // process-wide pool, ran it dry and crashed the run with "timeout exceeded when trying to connect").
  const pg = (await import("pg")).default;
  const producerPool = new pg.Pool({ connectionString: url, max: 20 });
  let notRecorded = 0;
  const committedAt = new Map<string, number>();
  const latencies: number[] = [];
  let seen = 0;
  const collect = setInterval(() => {
    for (; seen < receiver.received.length; seen++) {
      const e = receiver.received[seen]!;
      const at = committedAt.get(e.id);
      if (at !== undefined) latencies.push(Date.now() - at);
    }
  }, 5);
  const depths: number[] = [];
  const sample = setInterval(() => {
    void jobQueueDepths().then((d) => depths.push(d.get("webhook.deliver") ?? 0), () => {});
  }, 1000);

  log(`webhooks: ${rate} events/s for ${seconds} s into the engine, one local receiver…`);
  const started = Date.now();
  let produced = 0;
  const record = async (i: number) => {
    const client = await producerPool.connect();
    try {
      await client.query("BEGIN");
      const id = await recordLicenseEvent(client, "license.updated", license.id, { changes: { note: { from: i - 1, to: i } } });
      await client.query("COMMIT");
      committedAt.set(id!, Date.now());
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  // Ticks of 100 ms, each recording the events due by then (several at once, as concurrent requests would).
  const inFlight = new Set<Promise<void>>();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate);
    for (; produced < due; produced++) {
      const p = record(produced)
        .catch(() => void notRecorded++)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;
  log(`webhooks: ${produced} events recorded in ${elapsed.toFixed(1)} s; waiting for the last deliveries…`);
  const deadline = Date.now() + 120_000;
  while (latencies.length < produced - notRecorded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  clearInterval(collect);
  clearInterval(sample);
  await engine.stop(5000);
  await producerPool.end();
  await receiver.close();
  await closeDatabase();

  const sorted = [...latencies].sort((a, b) => a - b);
  const result: Result = {
    events: produced,
    seconds: elapsed,
    delivered: latencies.length,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    depthMax: Math.max(0, ...depths),
    depthMean: depths.length ? depths.reduce((a, b) => a + b, 0) / depths.length : 0,
  };
  console.log(
    `\nwebhooks at ${(produced / elapsed).toFixed(0)} events/s for ${elapsed.toFixed(0)} s: ${result.delivered}/${produced - notRecorded} delivered and verified` +
      `${notRecorded ? ` (${notRecorded} not recorded: the producer's transaction failed)` : ""}; ` +
      `commit → receiver p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms; ` +
      `webhook.deliver queue depth max ${result.depthMax}, mean ${result.depthMean.toFixed(1)} (sampled each second)`,
  );
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { ensureDatabase } = await import("../../lib/db/embedded");
  const { migrate } = await import("../../lib/db/migrate");
  const server = process.env.DATABASE_URL;
  if (!server) throw new Error("set DATABASE_URL to a PostgreSQL server (a scratch database is created on it)");
  const name = `portal_bench_hooks_${Date.now().toString(36)}`;
  const url = await ensureDatabase(server, name);
  await migrate(url);
  try {
    await benchWebhooks(url, (line) => console.error(line));
  } finally {
    const pg = (await import("pg")).default;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
