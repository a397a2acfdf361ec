// Reading a license by the keyed hash of its key, for the license API.
//
// Under load, many requests arrive in one turn of the event loop. Their reads
// are gathered (DataLoader, scheduled with setImmediate so the batch holds every
// request read from the sockets in this turn) and answered by one query. That
// saves Postgres a statement per request and the driver a round trip, which is
// most of the hot path's cost (README, "Performance").
//
// This is not a cache: every answer comes from a read that started after its
// request arrived, so a suspension or a deactivation is seen by the very next
// request, on every instance.
import DataLoader from "dataloader";
import type pg from "pg";
import { findLicenses, type LicenseWithMachines } from "./store";

/** The most key hashes one query asks for; larger batches are split. */
const MAX_BATCH = 64;

// One loader per pool: tests point DATABASE_URL at a new database, which gets a new pool.
const loaders = new WeakMap<pg.Pool, DataLoader<string, LicenseWithMachines | null>>();

function loaderFor(pool: pg.Pool): DataLoader<string, LicenseWithMachines | null> {
  let loader = loaders.get(pool);
  if (!loader) {
    loader = new DataLoader(
      async (hashes) => {
        const found = await findLicenses(pool, hashes);
        return hashes.map((hash) => found.get(hash) ?? null);
      },
      { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
    );
    loaders.set(pool, loader);
  }
  return loader;
}

/** The license of a key hash with its active machines, or null when no license has it. */
export function findLicense(pool: pg.Pool, keyHash: string): Promise<LicenseWithMachines | null> {
  return loaderFor(pool).load(keyHash);
}
