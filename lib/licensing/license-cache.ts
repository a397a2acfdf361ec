// The validate hot path's in-process cache of licenses (with their active
// machines) by key hash, kept exact by PostgreSQL's LISTEN/NOTIFY.
//
// Triggers announce every committed change a validation reads (migration
// 20261202160000_license_change_notifications): the license's status, expiry,
// seats, plan or key, its machines, any plan or product. Each instance's
// listener (lib/db/change-listener.ts) drops the entries named. Before
// answering from the cache, a request waits for the listener's fence (one
// empty statement per event-loop turn on the listening connection), which
// returns only after every notification of a transaction committed before the
// request arrived has been handled: a suspension, a revocation, a deactivation
// or a seat change made on any instance is seen by the very next request on
// every instance, as with a read from the database. While the listener is down
// the cache is bypassed (and emptied): every request reads the database until
// LISTEN is back.
//
// What the cache saves is the license read itself (PostgreSQL's planning and
// execution of the join, the driver's row decoding); the fence costs
// PostgreSQL an empty statement per batch of requests instead.
import type pg from "pg";
import { changeListener } from "../db/client";
import type { ChangeListener } from "../db/change-listener";
import { countLicenseCacheLookup } from "../metrics/registry";
import { findLicense } from "./license-lookup";
import type { LicenseWithMachines } from "./store";
import { epochMs } from "../time/clock";

/** Entries kept at most (LICENSE_CACHE_SIZE; `0` turns the cache off). The oldest filled go first. */
const DEFAULT_SIZE = 100_000;
/**
 * An entry is read again after this long, as a backstop only: every column an answer reads is
 * announced when it changes, except machines' last_seen_at, which no answer reads (decision.ts
 * machineBody; the migration's comment about a one-minute re-read predates that), and a `TRUNCATE`
 * forgets every entry (migration 20261207100000). What bypasses the triggers altogether —
 * `session_replication_role = replica` (logical replication, `pg_restore --disable-triggers`) — is
 * seen within this time, as the one-minute limit before it guaranteed.
 */
const MAX_AGE_MS = 10 * 60_000;

type Entry = { found: LicenseWithMachines; filledAt: number };

class LicenseCache {
  private readonly byHash = new Map<string, Entry>();
  private readonly hashById = new Map<string, string>();

  constructor(
    readonly listener: ChangeListener,
    private readonly size: number,
  ) {
    listener.subscribe({
      onChange: (payload) => (payload === "*" ? this.clear() : payload.split(",").forEach((id) => this.forget(id))),
      onReset: () => this.clear(),
    });
  }

  get(hash: string, now: number): LicenseWithMachines | undefined {
    const entry = this.byHash.get(hash);
    return entry && now - entry.filledAt < MAX_AGE_MS ? entry.found : undefined;
  }

  set(hash: string, found: LicenseWithMachines, now: number): void {
    if (this.byHash.size >= this.size) {
      const oldest = this.byHash.keys().next().value!;
      this.hashById.delete(this.byHash.get(oldest)!.found.license.id);
      this.byHash.delete(oldest);
    }
    // A license's key may have changed: its previous entry goes.
    this.forget(found.license.id);
    this.byHash.set(hash, { found, filledAt: now });
    this.hashById.set(found.license.id, hash);
  }

  private forget(licenseId: string): void {
    const hash = this.hashById.get(licenseId);
    if (hash === undefined) return;
    this.hashById.delete(licenseId);
    this.byHash.delete(hash);
  }

  private clear(): void {
    this.byHash.clear();
    this.hashById.clear();
  }
}

// One cache per listener, so a test that points DATABASE_URL elsewhere starts empty.
const caches = new WeakMap<ChangeListener, LicenseCache>();

function cacheSize(): number {
  const raw = process.env.LICENSE_CACHE_SIZE;
  const n = raw === undefined || raw === "" ? DEFAULT_SIZE : Number(raw);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function cacheFor(listener: ChangeListener): LicenseCache {
  let cache = caches.get(listener);
  if (!cache) caches.set(listener, (cache = new LicenseCache(listener, cacheSize())));
  return cache;
}

/**
 * The license of a key hash with its active machines, or null when no license
 * has it: from the cache when the listener vouches that nothing changed since
 * (see above), else read from `pool` (batched with concurrent reads,
 * license-lookup.ts). The objects returned are shared between requests: callers
 * must not modify them. Unknown keys are not cached (a new license needs no notice).
 */
export async function findLicenseCached(pool: pg.Pool, keyHash: string): Promise<LicenseWithMachines | null> {
  const size = cacheSize();
  if (size === 0) return findLicense(pool, keyHash);
  const listener = changeListener();
  if (!(await listener.fence())) {
    countLicenseCacheLookup("bypass");
    return findLicense(pool, keyHash);
  }
  const cache = cacheFor(listener);
  const hit = cache.get(keyHash, epochMs());
  if (hit) {
    countLicenseCacheLookup("hit");
    return hit;
  }
  countLicenseCacheLookup("miss");
  // The read starts after this point: if no notification arrives until it ends,
  // no change committed after its snapshot has happened yet, and any later one
  // will drop the entry when its notification comes.
  const generation = listener.generation;
  const found = await findLicense(pool, keyHash);
  if (found && listener.generation === generation && listener.listening) cache.set(keyHash, found, epochMs());
  return found;
}
