// Sign-in leftovers Auth.js never deletes by itself: verification tokens
// (the one-time sign-in links) past their expiry, and database sessions past
// theirs. Auth.js refuses both once expired, so deleting them changes nothing
// a person sees; it keeps the tables from growing forever.
import { sqlQuery, type Tx } from "../db/sql";

/**
 * Deletes verification tokens and sessions that expired before `now` (run
 * hourly by lib/lifecycle/prune.ts). Returns how many of each were deleted.
 */
export async function pruneExpiredSignIns(tx: Tx, now: Date): Promise<{ verificationTokens: number; sessions: number }> {
  const at = now.toISOString();
  const tokens = await sqlQuery(tx, `DELETE FROM verification_tokens WHERE expires < $1::timestamptz RETURNING 1`, [at]);
  const sessions = await sqlQuery(tx, `DELETE FROM sessions WHERE expires < $1::timestamptz RETURNING 1`, [at]);
  return { verificationTokens: tokens.length, sessions: sessions.length };
}
