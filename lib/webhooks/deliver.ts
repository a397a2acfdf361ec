// Delivering one attempt of one webhook delivery (API.md "Outbound webhooks"):
// POST the event to the endpoint, signed per Standard Webhooks with the
// `standardwebhooks` package; a 2xx within 10 s is success; anything else is
// retried after the next delay of WEBHOOK_RETRY_SCHEDULE, then FAILED. An
// endpoint that has failed every attempt for 3 days is disabled and the admins
// are emailed.
//
// Exactly one worker sends a given attempt: the job names the attempt it is for
// (`attempt` = attempts finished when it was queued) and the worker takes a
// lease on the row (attempting_since, and lease_token to say whose) before
// sending, so a duplicate job, or a job overtaken by a manual retry, finds
// nothing to do. Nothing but the holder's own settle or release ends a live
// lease (a manual retry or an endpoint re-enabled leaves it alone: a send under
// way counts as the attempt they ask for). A worker that dies while sending
// leaves the lease to lapse (LEASE_SECONDS) and pg-boss runs the job again: at
// least once, as the contract says; receivers deduplicate by webhook-id. A
// worker that only stalled past the lapse finds, when it comes back, that its
// token no longer holds the lease: its result is not recorded over the new
// holder's.
import { Webhook } from "standardwebhooks";
import { db } from "../db/client";
import { enqueueJob } from "../jobs/outbox";
import { defineQueue } from "../jobs/queue";
import { nextAttemptAt, retrySchedule } from "../jobs/retry-schedule";
import { componentLogger } from "../logging/logger";
import { countWebhookDeliveryFailure } from "../metrics/registry";
import { notifyAdminsOfDisabledEndpoint } from "./disable-notice";
import { DELIVERY_QUEUE, type DeliveryJob } from "./record";
import { unsealWebhookSecret } from "./secret";

/** API.md's default WEBHOOK_RETRY_SCHEDULE (seconds between attempts). */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [30, 120, 600, 3600, 10800, 21600, 43200, 86400];

/** A 2xx must arrive within this; longer is a failed attempt. */
const TIMEOUT_MS = 10_000;
/** A lease older than this belongs to a dead worker; must exceed TIMEOUT_MS plus the bookkeeping. */
export const LEASE_SECONDS = 45;
const log = () => componentLogger("webhooks");

/** How much of a response body the delivery log keeps. */
const RESPONSE_BODY_LIMIT = 4096;

/** Seconds of failing every attempt after which an endpoint is disabled (WEBHOOK_DISABLE_AFTER_SECONDS, default 3 days). */
function disableAfterSeconds(): number {
  return Number(process.env.WEBHOOK_DISABLE_AFTER_SECONDS ?? 3 * 24 * 3600);
}

type Claimed = {
  id: string;
  /** this attempt's lease: settle and release write only while the row still carries it */
  lease_token: string;
  attempts: number;
  endpoint_id: string;
  url: string;
  secret_ciphertext: string;
  event_id: string;
  type: string;
  created_at: string;
  data: unknown;
};

export type AttemptResult = {
  startedAt: Date;
  durationMs: number;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  error: string | null;
};

/** The exact bytes sent: the same on every attempt (only webhook-timestamp and the signature change). */
export function deliveryBody(event: { id: string; type: string; createdAt: string; data: unknown }): string {
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, data: event.data });
}

/**
 * POSTs `body` to `url` signed with `secret` (whsec_…) as Standard Webhooks
 * says: webhook-id, webhook-timestamp (Unix seconds of this attempt) and
 * webhook-signature `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 * Never throws for the receiver's sake: network errors and timeouts come back
 * in `error`. Throws `cancel.reason` when `cancel` (the instance shutting down)
 * is aborted before the response's status arrived: then the attempt did not
 * happen as far as the delivery log is concerned.
 */
export async function sendSigned(url: string, secret: string, eventId: string, body: string, cancel?: AbortSignal): Promise<AttemptResult> {
  const startedAt = new Date();
  const requestHeaders: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "license-portal-webhooks/1",
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(startedAt.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(eventId, startedAt, body),
  };
  const result: AttemptResult = {
    startedAt,
    durationMs: 0,
    requestHeaders,
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    error: null,
  };
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = cancel ? AbortSignal.any([timeout, cancel]) : timeout;
  try {
    // A redirect is not a success: the receiver must be configured with its final URL.
    const response = await fetch(url, { method: "POST", headers: requestHeaders, body, redirect: "manual", signal });
    result.responseStatus = response.status;
    result.responseHeaders = Object.fromEntries(response.headers);
    result.responseBody = await readLimited(response, signal);
    if (response.status < 200 || response.status > 299) result.error = `HTTP ${response.status}`;
  } catch (error) {
    // No answer yet: the attempt is given up, not failed. (Once the status is in, the answer
    // counts even if the shutdown cut the body short.)
    if (cancel?.aborted && result.responseStatus === null) throw cancel.reason;
    result.error = timeout.aborted ? `no answer within ${TIMEOUT_MS / 1000} s` : describe(error);
  }
  result.durationMs = Date.now() - startedAt.getTime();
  return result;
}

function describe(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ? `${e.message}: ${e.cause.code}` : (e.cause?.message ?? e.message ?? String(error));
}

async function readLimited(response: Response, signal: AbortSignal): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_BODY_LIMIT && !signal.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body cut off mid-way still leaves the status, which is what decides.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString("utf8");
}

/**
 * Takes the lease for this attempt. Null when it is not due here (done,
 * overtaken by a later attempt or a manual retry, endpoint disabled);
 * "leased" when another worker holds a lease younger than LEASE_SECONDS.
 */
async function claim(job: DeliveryJob): Promise<Claimed | "leased" | null> {
  const { rows } = await db().query<Claimed>(
    `UPDATE webhook_deliveries d SET attempting_since = now(), lease_token = gen_random_uuid()
     FROM webhook_endpoints e, webhook_events ev
     WHERE d.id = $1 AND e.id = d.endpoint_id AND ev.id = d.event_id
       AND d.status = 'PENDING' AND d.attempts = $2 AND e.enabled
       AND (d.attempting_since IS NULL OR d.attempting_since < now() - make_interval(secs => $3))
     RETURNING d.id, d.lease_token, d.attempts, d.endpoint_id, e.url, e.secret_ciphertext, ev.id AS event_id, ev.type,
               ev.payload->>'createdAt' AS created_at, ev.payload->'data' AS data`,
    [job.deliveryId, job.attempt, LEASE_SECONDS],
  );
  if (rows[0]) return rows[0];
  // The rare path: tell "nothing to do" from "someone else is on it".
  const { rowCount } = await db().query(
    `SELECT 1 FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
     WHERE d.id = $1 AND d.status = 'PENDING' AND d.attempts = $2 AND e.enabled AND d.attempting_since IS NOT NULL`,
    [job.deliveryId, job.attempt],
  );
  return rowCount ? "leased" : null;
}

/**
 * Records the attempt and its consequences (success, next attempt, FAILED,
 * endpoint disabled) atomically, if this attempt still holds the lease; a
 * failed attempt is counted in webhook_delivery_failures_total once that is
 * committed. Resolves false, recording nothing, when the lease was lost (it
 * lapsed and another worker took the delivery): that worker's attempt is the
 * one the delivery's state and log follow.
 */
async function settle(claimed: Claimed, result: AttemptResult): Promise<boolean> {
  if (result.error === null) return settleSuccess(claimed, result);
  const outcome = await settleFailure(claimed, result, result.error);
  if (outcome === "lease lost") return false;
  countWebhookDeliveryFailure(outcome === "failed");
  return true;
}

/** The attempt's row as settleSuccess and settleFailure insert it ($1 … $9, typed as in SELECT_ATTEMPT). */
function attemptValues(claimed: Claimed, result: AttemptResult): unknown[] {
  return [
    claimed.id,
    claimed.attempts + 1,
    result.startedAt,
    result.durationMs,
    JSON.stringify(result.requestHeaders),
    result.responseStatus,
    result.responseHeaders === null ? null : JSON.stringify(result.responseHeaders),
    result.responseBody,
    result.error,
  ];
}

const ATTEMPT_COLUMNS = `webhook_attempts (delivery_id, number, started_at, duration_ms, request_headers, response_status, response_headers, response_body, error)`;
const INSERT_ATTEMPT = `INSERT INTO ${ATTEMPT_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`;

/**
 * The common case in one statement (one round trip, atomic without BEGIN/COMMIT):
 * the attempt, the delivery SUCCEEDED, the endpoint no longer failing. At 100
 * deliveries/s the five round trips of a transaction held a pooled connection
 * five times as long, and the shared pool (DATABASE_POOL_SIZE) ran dry.
 */
async function settleSuccess(claimed: Claimed, result: AttemptResult): Promise<boolean> {
  // The delivery's update decides: the attempt and the endpoint's recovery are written only
  // if it matched, i.e. this attempt still holds the lease.
  const { rows } = await db().query<{ settled: number }>(
    `WITH delivery AS (
       UPDATE webhook_deliveries SET status = 'SUCCEEDED', attempts = $2::int, attempting_since = NULL, lease_token = NULL, next_attempt_at = NULL,
         last_attempt_at = $3::timestamptz, last_response_status = $6::int, last_error = NULL, updated_at = now()
       WHERE id = $1::uuid AND lease_token = $11::uuid RETURNING id
     ),
     attempt AS (
       INSERT INTO ${ATTEMPT_COLUMNS}
       SELECT delivery.id, $2::int, $3::timestamptz, $4::int, $5::jsonb, $6::int, $7::jsonb, $8::text, $9::text FROM delivery
     ),
     endpoint AS (
       UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $10::uuid AND failing_since IS NOT NULL AND EXISTS (SELECT 1 FROM delivery)
     )
     SELECT count(*)::int AS settled FROM delivery`,
    [...attemptValues(claimed, result), claimed.endpoint_id, claimed.lease_token],
  );
  return rows[0]!.settled === 1;
}

/**
 * Records a failed attempt in one transaction; resolves "failed" when it was the
 * last one (the delivery is FAILED), "retrying" when another is queued, and
 * "lease lost" (nothing written) when this attempt no longer holds the lease.
 */
async function settleFailure(claimed: Claimed, result: AttemptResult, error: string): Promise<"failed" | "retrying" | "lease lost"> {
  const client = await db().connect();
  try {
    await client.query("BEGIN");
    const attempts = claimed.attempts + 1;
    const next = nextAttemptAt(retrySchedule("WEBHOOK_RETRY_SCHEDULE", DEFAULT_WEBHOOK_RETRY_SCHEDULE), attempts, new Date());
    const settled = await client.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = $3, attempting_since = NULL, lease_token = NULL, next_attempt_at = $4,
         last_attempt_at = $5, last_response_status = $6, last_error = $7, updated_at = now() WHERE id = $1 AND lease_token = $8`,
      [claimed.id, next ? "PENDING" : "FAILED", attempts, next, result.startedAt, result.responseStatus, error.slice(0, 1000), claimed.lease_token],
    );
    if (settled.rowCount === 0) {
      await client.query("ROLLBACK");
      return "lease lost";
    }
    await client.query(INSERT_ATTEMPT, attemptValues(claimed, result));
    if (next) await enqueueJob(client, DELIVERY_QUEUE, { deliveryId: claimed.id, attempt: attempts } satisfies DeliveryJob, { startAfter: next });
    const { rows } = await client.query<{ enabled: boolean; failing_since: Date; url: string }>(
      `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2) WHERE id = $1 RETURNING enabled, failing_since, url`,
      [claimed.endpoint_id, result.startedAt],
    );
    const endpoint = rows[0];
    if (endpoint?.enabled && Date.now() - endpoint.failing_since.getTime() >= disableAfterSeconds() * 1000) {
      await client.query(`UPDATE webhook_endpoints SET enabled = false, disabled_reason = 'failing', updated_at = now() WHERE id = $1`, [
        claimed.endpoint_id,
      ]);
      await notifyAdminsOfDisabledEndpoint(client, { id: claimed.endpoint_id, url: endpoint.url, failingSince: endpoint.failing_since });
    }
    await client.query("COMMIT");
    return next === null ? "failed" : "retrying";
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Gives the lease back when this instance stops before the receiver answered,
 * so the job pg-boss retries (after its retryDelay, on any instance) can claim
 * the delivery at once instead of waiting LEASE_SECONDS.
 */
async function release(claimed: Claimed): Promise<void> {
  await db().query(`UPDATE webhook_deliveries SET attempting_since = NULL, lease_token = NULL WHERE id = $1 AND lease_token = $2`, [
    claimed.id,
    claimed.lease_token,
  ]);
}

/**
 * One attempt of one delivery: the handler of the "webhook.deliver" queue.
 * When `signal` (the engine shutting down) aborts while the request is under
 * way, no attempt is recorded, the lease is released and this throws, so
 * pg-boss retries the job: the receiver may then get the event twice (at least
 * once), but never zero times.
 */
export async function deliverAttempt(job: DeliveryJob, { signal }: { signal?: AbortSignal } = {}): Promise<void> {
  signal?.throwIfAborted();
  const claimed = await claim(job);
  if (!claimed) return;
  // Another worker is sending it, or one that died or was stopped before it could give the
  // lease back: pg-boss retries this job later (retryDelay, doubling), past the lease.
  if (claimed === "leased") throw new Error(`delivery ${job.deliveryId} is leased by another worker; retrying later`);
  const body = deliveryBody({ id: claimed.event_id, type: claimed.type, createdAt: claimed.created_at, data: claimed.data });
  let result: AttemptResult;
  try {
    result = await sendSigned(claimed.url, unsealWebhookSecret(claimed.secret_ciphertext), claimed.event_id, body, signal);
  } catch (error) {
    await release(claimed);
    throw error;
  }
  const settled = await settleWhileLeased(claimed, result);
  if (settled === "lease lost") {
    // The receiver did get this request: say so, since the delivery's log will not show it.
    log().warn(
      `webhook delivery ${claimed.id}: attempt ${claimed.attempts + 1} finished (${result.error ?? `HTTP ${result.responseStatus}`}) after its lease had passed to another worker; not recorded`,
    );
  }
}

/** Pauses between tries of a settle the database refused (ms); together well inside LEASE_SECONDS. */
const SETTLE_RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 8000];

/**
 * Settles, trying again while the database fails (a restart, a failover, a lost
 * connection): the request was sent, and a settle given up would leave the lease
 * to lapse and the attempt to be sent again, so a receiver that answered 2xx
 * would get the same webhook-id a second time. The tries end well before the
 * lease could lapse (LEASE_SECONDS); the last error is thrown, and pg-boss
 * retries the job (a resend, at least once). A try that follows a failure whose
 * commit did happen (only its answer was lost) finds the lease already cleared:
 * "settled before", nothing written twice.
 */
async function settleWhileLeased(claimed: Claimed, result: AttemptResult): Promise<"settled" | "settled before" | "lease lost"> {
  for (let retry = 0; ; retry++) {
    try {
      if (await settle(claimed, result)) return "settled";
      if (retry === 0) return "lease lost";
      const { rows } = await db().query(`SELECT 1 FROM webhook_attempts WHERE delivery_id = $1 AND started_at = $2 AND number = $3`, [
        claimed.id,
        result.startedAt,
        claimed.attempts + 1,
      ]);
      return rows.length > 0 ? "settled before" : "lease lost";
    } catch (error) {
      const pause = SETTLE_RETRY_MS[retry];
      if (pause === undefined) throw error;
      log().warn(`webhook delivery ${claimed.id}: recording attempt ${claimed.attempts + 1} failed (${(error as Error).message}); trying again in ${pause} ms`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * Several workers per instance, each taking a few jobs at a time, so one slow
 * receiver (up to 10 s) does not hold up the others.
 */
export const deliveryQueue = defineQueue<DeliveryJob>({
  name: DELIVERY_QUEUE,
  handle: deliverAttempt,
  workers: Number(process.env.WEBHOOK_WORKERS ?? 4),
  batchSize: 10,
  expireInSeconds: 60,
  // pg-boss's retries are for jobs that did not finish (worker died, instance stopped, lease
  // held); a receiver's failures are retried on WEBHOOK_RETRY_SCHEDULE by a new job instead.
  // 15, 30, 60, 120, 240 s: well past a dead worker's lease.
  retryDelay: 15,
  retryLimit: 5,
});
