// Transaction-scoped advisory locks on names: for work that must not run twice
// at once but has no row to lock yet (a new customer's email, a Stripe id).
import type { Prisma } from "../generated/prisma/client";

/** Takes a lock on each of `keys` until `tx` ends, in hash order so two transactions never wait on each other crosswise. */
export async function lockKeys(tx: Prisma.TransactionClient, keys: string[]): Promise<void> {
  await tx.$executeRaw`
    SELECT pg_advisory_xact_lock(h)
    FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${keys}::text[]) AS k) AS hashes
    ORDER BY h`;
}
