// Idempotency-Key for POST /api/v1/admin/licenses, the one admin call whose retry
// would otherwise mint a second license (a timeout after the commit, a job run
// twice). Keys are per caller and remembered for 24 hours, like Stripe's.
import { createHash } from "node:crypto";
import type { Actor } from "../audit/log";
import { lockKeys } from "../db/advisory-locks";
import { sqlQuery, type Tx } from "../db/sql";
import type { Prisma } from "../generated/prisma/client";
import { z } from "zod";
import { ApiError } from "../http/errors";

/** The header's form: 1-255 visible ASCII characters (an order id, a job run id). */
export const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/);
const WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes the keys older than the 24-hour window (the lifecycle's hourly
 * prune job, lib/lifecycle/prune.ts); a key past its window is already
 * treated as absent, so this only keeps the table small. Returns the number deleted.
 */
export async function pruneIdempotencyKeys(tx: Tx, now: Date): Promise<number> {
  const rows = await sqlQuery(tx, `DELETE FROM admin_idempotency_keys WHERE created_at < $1::timestamptz RETURNING 1`, [
    new Date(now.getTime() - WINDOW_MS).toISOString(),
  ]);
  return rows.length;
}

/** The request's Idempotency-Key header, if any; 400 when it is not 1–255 visible ASCII characters. */
export function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const key = headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!idempotencyKeySchema.safeParse(key).success) throw new ApiError("BAD_REQUEST", "Idempotency-Key must be 1 to 255 visible ASCII characters");
  return key;
}

const callerOf = (actor: Actor) => ("id" in actor ? `${actor.type}:${actor.id}` : actor.type);

export type IdempotencyClaim = {
  /** The license an earlier request with this key created, or null: this request is the first. */
  licenseId: string | null;
  /** Records the license this (first) request created under the key, in the same transaction. */
  remember: (licenseId: string) => Promise<void>;
};

/**
 * Looks the key up inside `tx`, holding a lock on it until `tx` ends, so a retry
 * sent while the first request is still running waits for it and then finds its
 * license. The same key with another request body is refused with 409.
 */
export async function claimIdempotencyKey(
  tx: Prisma.TransactionClient,
  actor: Actor,
  key: string,
  request: unknown,
  now: Date,
): Promise<IdempotencyClaim> {
  const caller = callerOf(actor);
  const requestDigest = createHash("sha256").update(JSON.stringify(request)).digest("hex");
  await lockKeys(tx, [`idempotency:${caller}:${key}`]);
  let prior = await tx.adminIdempotencyKey.findUnique({ where: { actor_key: { actor: caller, key } } });
  if (prior && now.getTime() - prior.createdAt.getTime() > WINDOW_MS) {
    await tx.adminIdempotencyKey.delete({ where: { id: prior.id } });
    prior = null;
  }
  if (prior && prior.requestDigest !== requestDigest) {
    throw new ApiError("CONFLICT", "This Idempotency-Key was already used for a different request");
  }
  return {
    licenseId: prior?.licenseId ?? null,
    remember: async (licenseId) => {
      await tx.adminIdempotencyKey.create({ data: { actor: caller, key, requestDigest, licenseId } });
    },
  };
}
