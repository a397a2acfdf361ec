// The background-work series on /metrics, read over HTTP from the metrics
// listener: job_queue_depth follows the jobs waiting in PostgreSQL, and
// webhook_delivery_failures_total counts failed attempts against a real
// receiver that answers 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { setupTestJobs } from "../test/jobs";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { createEndpoint } from "../webhooks/endpoints";
import { recordLicenseEvent } from "../webhooks/record";
import { startMetricsServer } from "./endpoint";

setupTestDatabase();
const jobs = setupTestJobs();

let receiver: WebhookReceiver;
let server: { port: number; close: () => Promise<void> };
beforeAll(async () => {
  process.env.WEBHOOK_RETRY_SCHEDULE = "1";
  receiver = await startWebhookReceiver();
  server = await startMetricsServer(0, "127.0.0.1");
});
afterAll(async () => {
  delete process.env.WEBHOOK_RETRY_SCHEDULE;
  await server.close();
  await receiver.close();
});

/** The value of one series (`name{labels}`) in the scraped text, or undefined when absent. */
async function scrape(series: string): Promise<number | undefined> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(res.status).toBe(200);
  const line = (await res.text()).split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe("job and webhook metrics", () => {
  it("reports the queue's depth while no worker runs, and counts failed attempts, final ones apart", async () => {
    const endpoint = await createEndpoint({ actor: { type: "system" } }, { url: receiver.url, events: ["license.suspended"] });
    receiver.secret = endpoint.secret;
    const { license } = await createLicense();
    for (let i = 0; i < 3; i++) await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.suspended", license.id));

    // An instance without workers moves the jobs into pg-boss; nobody takes them.
    await jobs.start({ work: false });
    await eventually(async () => expect(await scrape('job_queue_depth{queue="webhook.deliver"}')).toBe(3));
    expect(await scrape('job_queue_depth{queue="email.send"}')).toBe(0);
    expect(await scrape('webhook_delivery_failures_total{final="true"}')).toBeUndefined();

    // Workers start; the receiver fails every attempt: 2 attempts each (schedule "1"), then FAILED.
    receiver.failNext(1000);
    await jobs.start();
    await eventually(async () => {
      expect(await scrape('webhook_delivery_failures_total{final="false"}')).toBe(3);
      expect(await scrape('webhook_delivery_failures_total{final="true"}')).toBe(3);
    });
    expect(await prisma().webhookDelivery.count({ where: { endpointId: endpoint.id, status: "FAILED" } })).toBe(3);
    expect(await scrape('job_queue_depth{queue="webhook.deliver"}')).toBe(0);

    // A success is not a failure.
    receiver.failNext(0);
    await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.suspended", license.id));
    await receiver.waitFor((r) => r.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await scrape('webhook_delivery_failures_total{final="false"}')).toBe(3);
    expect(await scrape('webhook_delivery_failures_total{final="true"}')).toBe(3);
  }, 60_000);
});
