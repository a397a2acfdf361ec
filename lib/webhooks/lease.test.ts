// A delivery's lease against a manual retry and against a stalled worker, with
// real PostgreSQL and a real receiver verifying with `standardwebhooks`; the
// attempts are run as the worker runs them (deliverAttempt), the receiver
// holding a request to keep a send under way:
// - an admin's retry while an attempt is under way does not start a second send
//   of it; that attempt's result is the delivery's state;
// - an attempt whose lease lapsed and passed to another worker cannot record its
//   late result over the new holder's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createLicense } from "../test/licenses";
import { startWebhookReceiver, type WebhookReceiver } from "../test/webhook-receiver";
import { deliverAttempt } from "./deliver";
import { createEndpoint, retryDelivery } from "./endpoints";
import { recordLicenseEvent } from "./record";

setupTestDatabase();
const ctx = { actor: { type: "system" } } as const;

let receiver: WebhookReceiver;
let endpointId: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const endpoint = await createEndpoint(ctx, { url: receiver.url });
  endpointId = endpoint.id;
  receiver.secret = endpoint.secret;
});
afterAll(() => receiver.close());

/** A new event's delivery to the endpoint; its jobs stay in the outbox (no engine runs here). */
async function newDelivery(): Promise<{ eventId: string; deliveryId: string }> {
  const { license } = await createLicense();
  const eventId = (await prisma().$transaction((tx) => recordLicenseEvent(tx, "license.suspended", license.id)))!;
  const { id } = await prisma().webhookDelivery.findFirstOrThrow({ where: { eventId, endpointId } });
  return { eventId, deliveryId: id };
}

const deliveryWithTries = (id: string) => prisma().webhookDelivery.findUniqueOrThrow({ where: { id }, include: { tries: true } });

describe("a delivery's lease", () => {
  it("an admin retry while an attempt is under way: no second send; the attempt under way decides the state; the retry's job then does nothing", async () => {
    const { eventId, deliveryId } = await newDelivery();
    const hold = receiver.holdNext();
    const first = deliverAttempt({ deliveryId, attempt: 0 });
    await hold.arrived;

    const retried = await retryDelivery(ctx, deliveryId);
    expect(retried).toMatchObject({ id: deliveryId, status: "PENDING", attempts: 0 });
    // The job the retry queued, run by another worker while the first attempt still waits for its answer.
    await expect(deliverAttempt({ deliveryId, attempt: 0 })).rejects.toThrow(`delivery ${deliveryId} is leased by another worker; retrying later`);
    expect(receiver.requests).toBe(1);

    hold.release();
    await first;
    // pg-boss runs the retry's job again later: the attempt it was for has been made.
    await deliverAttempt({ deliveryId, attempt: 0 });

    expect(receiver.requests).toBe(1);
    expect(receiver.received.filter((e) => e.id === eventId)).toHaveLength(1);
    const delivery = await deliveryWithTries(deliveryId);
    expect(delivery).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastResponseStatus: 204, lastError: null, attemptingSince: null, leaseToken: null });
    expect(delivery.tries.map((t) => [t.number, t.responseStatus])).toEqual([[1, 204]]);
  });

  it("an attempt that stalled past its lease answers late: its result is refused, the delivery keeps the new holder's", async () => {
    receiver.received.length = 0;
    const requestsBefore = receiver.requests;
    const { eventId, deliveryId } = await newDelivery();
    const hold = receiver.holdNext();
    const stalled = deliverAttempt({ deliveryId, attempt: 0 });
    await hold.arrived;
    // The first worker stalls longer than LEASE_SECONDS (45 s): its lease lapses.
    await db().query(`UPDATE webhook_deliveries SET attempting_since = now() - interval '1 hour' WHERE id = $1`, [deliveryId]);

    // pg-boss gave the stalled job to another worker: it takes the lapsed lease and succeeds.
    await deliverAttempt({ deliveryId, attempt: 0 });
    expect(await deliveryWithTries(deliveryId)).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastResponseStatus: 204 });

    // The stalled attempt's answer arrives at last: a failure, which must not undo the success.
    hold.release(500);
    await stalled;

    const delivery = await deliveryWithTries(deliveryId);
    expect(delivery).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastResponseStatus: 204, lastError: null, nextAttemptAt: null });
    expect(delivery.tries.map((t) => [t.number, t.responseStatus])).toEqual([[1, 204]]);
    // No further attempt was queued by the refused failure, and the endpoint is not marked failing.
    const { rows } = await db().query(`SELECT data FROM job_outbox WHERE data->>'deliveryId' = $1`, [deliveryId]);
    expect(rows).toEqual([{ data: { deliveryId, attempt: 0 } }]);
    expect(await prisma().webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).toMatchObject({ enabled: true, failingSince: null });
    expect(receiver.requests - requestsBefore).toBe(2);
    expect(receiver.received.filter((e) => e.id === eventId)).toHaveLength(1);
  });

  it("a stalled attempt that lost its lease and is then stopped cannot give the lease back from under the new holder", async () => {
    const { eventId, deliveryId } = await newDelivery();
    const [first, second] = [receiver.holdNext(), receiver.holdNext()];
    const shutdown = new AbortController();
    const stalled = deliverAttempt({ deliveryId, attempt: 0 }, { signal: shutdown.signal });
    await first.arrived;
    await db().query(`UPDATE webhook_deliveries SET attempting_since = now() - interval '1 hour' WHERE id = $1`, [deliveryId]);
    const current = deliverAttempt({ deliveryId, attempt: 0 });
    await second.arrived;

    // The stalled worker's instance shuts down: its attempt is given up and its lease "given back".
    shutdown.abort(new Error("test: the instance is shutting down"));
    await expect(stalled).rejects.toThrow("test: the instance is shutting down");
    // The lease is still the second worker's: a third job for the attempt must wait, not send again.
    await expect(deliverAttempt({ deliveryId, attempt: 0 })).rejects.toThrow(`delivery ${deliveryId} is leased by another worker; retrying later`);

    second.release();
    await current;
    first.release(500);
    const delivery = await deliveryWithTries(deliveryId);
    expect(delivery).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastResponseStatus: 204 });
    expect(delivery.tries).toHaveLength(1);
    expect(receiver.received.filter((e) => e.id === eventId)).toHaveLength(1);
  });
  it("the database failing while a success is recorded: recorded once it answers again, not sent a second time", async () => {
    const { eventId, deliveryId } = await newDelivery();
    // The database refuses to record the attempt (a restart or failover under way) until the test lets it;
    // the sequence counts the refusals (a sequence is not rolled back with the refused statement).
    await db().query(`CREATE SEQUENCE settle_refusals`);
    await db().query(`CREATE FUNCTION refuse_settle() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('settle_refusals'); RAISE EXCEPTION 'refused by the test'; END $$`);
    await db().query(`CREATE TRIGGER refuse_settle BEFORE INSERT ON webhook_attempts FOR EACH ROW EXECUTE FUNCTION refuse_settle()`);
    const requestsBefore = receiver.requests;
    const attempt = deliverAttempt({ deliveryId, attempt: 0 });
    attempt.catch(() => {});
    for (let i = 0; ; i++) {
      const { rows } = await db().query<{ is_called: boolean }>(`SELECT is_called FROM settle_refusals`);
      if (rows[0]!.is_called) break;
      if (i > 600) throw new Error("the settle was never tried");
      await new Promise((r) => setTimeout(r, 50));
    }
    await db().query(`DROP TRIGGER refuse_settle ON webhook_attempts`);
    await attempt;
    await db().query(`DROP FUNCTION refuse_settle(); DROP SEQUENCE settle_refusals`);

    const delivery = await deliveryWithTries(deliveryId);
    expect(delivery).toMatchObject({ status: "SUCCEEDED", attempts: 1, lastResponseStatus: 204, leaseToken: null });
    expect(delivery.tries).toHaveLength(1);
    expect(receiver.requests - requestsBefore).toBe(1);
    expect(receiver.received.filter((e) => e.id === eventId)).toHaveLength(1);
  });
});
