// Outbound webhooks end to end against a real receiver that verifies every
// delivery with the `standardwebhooks` package: recorded in the caller's
// transaction (none for a rollback), delivered after the commit, retried on
// the schedule while the receiver is down, once per endpoint with two workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { setupTestJobs } from "../test/jobs";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { createEndpoint } from "./endpoints";
import { recordLicenseEvent } from "./record";
import { webhookEnvelope, WEBHOOK_EVENT_DATA } from "./schemas";

setupTestDatabase();
const jobs = setupTestJobs();
const actor = { type: "system" } as const;

let receiver: WebhookReceiver;
beforeAll(async () => {
  process.env.WEBHOOK_RETRY_SCHEDULE = "1,1,1,1,1,1,1,1";
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  delete process.env.WEBHOOK_RETRY_SCHEDULE;
  await receiver.close();
});

async function deliveriesOf(eventId: string) {
  return prisma().webhookDelivery.findMany({ where: { eventId } });
}

/** Polls `read` until `check` passes on its value (the worker records an attempt just after the receiver answers). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe("outbound webhooks", () => {
  it("delivers a committed event signed per Standard Webhooks, and nothing for a rolled-back one", async () => {
    const endpoint = await createEndpoint({ actor }, { url: receiver.url });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receiver.secret = endpoint.secret;
    const { license } = await createLicense();

    const committed = await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.suspended", license.id));
    await expect(
      prisma().$transaction(async (tx) => {
        await recordLicenseEvent(tx, "license.revoked", license.id);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");

    await jobs.start();
    const event = (await receiver.waitFor((r) => r.some((e) => e.id === committed))).find((e) => e.id === committed);
    expect(event!.type).toBe("license.suspended");
    expect(event!.headers["webhook-id"]).toBe(committed);
    expect(webhookEnvelope("license.suspended", WEBHOOK_EVENT_DATA["license.suspended"]).parse(event)).toBeTruthy();
    expect(event!.data).toMatchObject({ license: { id: license.id, status: "ACTIVE", keyHint: license.keyHint } });
    expect(receiver.rejected).toBe(0);
    expect(receiver.received.filter((e) => e.type === "license.revoked")).toHaveLength(0);
    expect(await prisma().webhookEvent.count({ where: { type: "license.revoked" } })).toBe(0);
    await eventually(
      () => deliveriesOf(committed!),
      ([delivery]) => expect(delivery).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastResponseStatus: 204, lastError: null }),
    );
    await prisma().webhookEndpoint.delete({ where: { id: endpoint.id } });
  });

  it("retries while the receiver is down and every event arrives once it is back", async () => {
    const endpoint = await createEndpoint({ actor }, { url: receiver.url, events: ["license.updated"] });
    receiver.secret = endpoint.secret;
    receiver.received.length = 0;
    const { license } = await createLicense();
    await receiver.down();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.updated", license.id, { changes: { maxMachines: { from: i, to: i + 1 } } })))!);
    }
    // Filtered out: this endpoint only takes license.updated.
    await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.renewed", license.id));
    await new Promise((r) => setTimeout(r, 2500));
    const failed = await prisma().webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(failed).toHaveLength(5);
    expect(failed.every((d) => d.status === "PENDING" && d.attempts >= 1 && d.lastError !== null)).toBe(true);
    await receiver.up();
    await receiver.waitFor((r) => ids.every((id) => r.some((e) => e.id === id)));
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received.map((e) => e.id).sort()).toEqual([...ids].sort());
    const attempts = await prisma().webhookAttempt.count({ where: { delivery: { endpointId: endpoint.id } } });
    expect(attempts).toBeGreaterThan(5);
    await prisma().webhookEndpoint.delete({ where: { id: endpoint.id } });
  });

  it("two instances: each event delivered once per endpoint", async () => {
    await jobs.start(); // a second instance's workers on the same database
    const { license } = await createLicense(); // before the endpoints: its license.created goes nowhere
    const a = await createEndpoint({ actor }, { url: receiver.url });
    const b = await createEndpoint({ actor }, { url: receiver.url });
    // Both endpoints point at one receiver; it verifies with either secret, so use one and count per endpoint in the DB.
    await prisma().webhookEndpoint.update({ where: { id: b.id }, data: { secretCiphertext: (await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: a.id } })).secretCiphertext } });
    receiver.secret = a.secret;
    receiver.received.length = 0;
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.renewed", license.id)))!);
    await receiver.waitFor((r) => r.length >= 40);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.received).toHaveLength(40);
    for (const id of ids) expect(receiver.received.filter((e) => e.id === id)).toHaveLength(2);
    const attempts = await db().query(`SELECT count(*)::int AS n FROM webhook_attempts`);
    expect(attempts.rows[0].n).toBeGreaterThan(0);
  });
});
