// The hourly clean-up of what expires by itself: sign-in tokens and sessions,
// admin Idempotency-Keys past their 24 hours, and license API answers past
// their 30 days. Each owner module says what "expired" means; this only runs
// them, once per hour across all instances (a pg-boss schedule).
import { pruneIdempotencyKeys } from "../admin-api/idempotency";
import { pruneValidationEvents } from "../analytics/usage-recorder";
import { pruneExpiredSignIns } from "../auth/prune";
import { db } from "../db/client";

export type PruneResult = { verificationTokens: number; sessions: number; idempotencyKeys: number; validationEvents: number };

/** Deletes everything that had expired by `now`; each kind in its own statement (nothing ties them together). */
export async function pruneExpired(now: Date): Promise<PruneResult> {
  const signIns = await pruneExpiredSignIns(db(), now);
  const idempotencyKeys = await pruneIdempotencyKeys(db(), now);
  const validationEvents = await pruneValidationEvents(now);
  return { ...signIns, idempotencyKeys, validationEvents };
}
