// Failing fast while the database cannot be reached.
//
// A database that refuses connections (stopped, restarting) fails every query
// at once. One that is silently unreachable (packets dropped: a network
// partition, a failover to a dead address) fails nothing: connects and queries
// hang until a timeout, requests pile up behind them and hold the pool. So the
// pools of this process are watched: when a connection has been awaited, or a
// checked-out connection held, longer than SUSPECT_AFTER_MS, a probe (`SELECT 1`
// on the breaker's own connection, at most PROBE_TIMEOUT_MS) tells a slow
// database from an unreachable one: unanswered, while no other connection
// finished any work either, it opens the circuit:
//
// - every connection in every pool is destroyed, so requests waiting on them
//   fail now (503) instead of at the end of their timeout;
// - until a probe succeeds again, taking a connection fails at once with
//   DatabaseUnreachableError (503 with Retry-After), so nothing waits and
//   nothing piles up; probes run every PROBE_EVERY_MS, with or without traffic;
// - the first successful probe closes the circuit: recovery needs no restart.
//
// A slow query on a reachable database is left alone (the probe answers), so
// long admin queries and transactions are never cut short by this.
import pg from "pg";
import { componentLogger } from "../logging/logger";

/** How long a connection may be awaited or held before the database is probed. */
const SUSPECT_AFTER_MS = 200;
/** The probe's own limit for connecting and answering `SELECT 1`. */
const PROBE_TIMEOUT_MS = 500;
/** While the circuit is open, how often the database is probed. */
const PROBE_EVERY_MS = 500;
/** How often in-flight work is checked against SUSPECT_AFTER_MS. */
const WATCH_EVERY_MS = 50;
/** A probe's query unanswered this long is given up, with its connection, for a fresh one. */
const ABANDON_PROBE_AFTER_MS = 2_000;
/** After a probe found the database reachable, how long before another may run. */
const REPROBE_AFTER_OK_MS = 1_000;

/** Thrown (or passed to callbacks) instead of a connection while the circuit is open. */
export class DatabaseUnreachableError extends Error {
  readonly code = "DATABASE_UNREACHABLE";
  constructor(message = "The database is unreachable (circuit open); failing fast until it answers again") {
    super(message);
    this.name = "DatabaseUnreachableError";
  }
}

type Waiter = { since: number; abort: (error: Error) => void };
// pg-pool keeps these private; they have been stable through pg-pool 3.x.
type PoolInternals = { _clients: pg.Client[]; _pendingQueue: { callback: (error: Error) => void }[] };
type ClientInternals = { connection?: { stream?: { destroy: () => void; on: (event: "data", listener: () => void) => void } } };

/**
 * One per database URL, shared by the process's pools for it (the hot path's
 * `pg` pool and Prisma's). `open` is what callers check; everything else is
 * driven by the pools (GuardedPool) and a 50 ms watch timer that does not keep
 * the process alive.
 */
export class CircuitBreaker {
  open = false;
  private readonly pools = new Set<GuardedPool>();
  private probing = false;
  private lastProbeAt = 0;
  private lastProbeOk = true;
  private lastSuccessAt = 0;
  private lastDataAt = 0;
  private pending: { since: number; answer: Promise<boolean> } | undefined;
  private client: Promise<pg.Client> | undefined;
  private rawClient: pg.Client | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly config: pg.ClientConfig) {
    this.timer = setInterval(() => this.watch(), WATCH_EVERY_MS);
    this.timer.unref();
  }

  register(pool: GuardedPool): void {
    this.pools.add(pool);
    pool.once("end", () => this.pools.delete(pool));
  }

  /** Stops the watch timer (when the process's connections are closed). */
  stop(): void {
    clearInterval(this.timer);
    void this.rawClient?.end().catch(() => {});
    this.client = undefined;
    this.rawClient = undefined;
  }

  private watch(): void {
    if (this.probing) return;
    const now = Date.now();
    if (this.open) {
      if (now - this.lastProbeAt >= PROBE_EVERY_MS) void this.probe();
      return;
    }
    if (this.lastProbeOk && now - this.lastProbeAt < REPROBE_AFTER_OK_MS) return;
    for (const pool of this.pools) {
      if (pool.oldestInFlight() <= now - SUSPECT_AFTER_MS) {
        void this.probe();
        return;
      }
    }
  }

  /** Some connection of some pool just did its work: the database is reachable. */
  succeeded(): void {
    this.lastSuccessAt = Date.now();
  }

  /** Bytes arrived from the database on some connection: it is reachable, however slow. */
  heard(): void {
    this.lastDataAt = Date.now();
  }

  /**
   * Runs `SELECT 1` on the breaker's own connection (opened when missing, so a
   * probe costs the database one statement, not a connection) and waits at most
   * PROBE_TIMEOUT_MS for it. Unanswered, while nothing else was heard from the
   * database either, the circuit opens. An answer that comes later still closes
   * it, so a database that was only slow is back in service the moment it
   * answers; a probe unanswered for ABANDON_PROBE_AFTER_MS is given up with its
   * connection (a silent socket never errors by itself).
   */
  async probe(): Promise<boolean> {
    if (this.probing) return !this.open;
    this.probing = true;
    const startedAt = Date.now();
    if (this.pending && startedAt - this.pending.since > ABANDON_PROBE_AFTER_MS) this.dropProbeClient();
    this.pending ??= this.startProbe(startedAt);
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      this.pending.answer,
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
    this.probing = false;
    this.lastProbeAt = Date.now();
    this.lastProbeOk = ok;
    if (!ok && !this.open && this.lastSuccessAt < startedAt && this.lastDataAt < startedAt) this.trip();
    return ok;
  }

  private startProbe(since: number): { since: number; answer: Promise<boolean> } {
    const answer = this.probeClient()
      .then((client) => client.query("SELECT 1"))
      .then(
        () => {
          this.pending = undefined;
          this.heard();
          if (this.open) {
            this.open = false;
            componentLogger("db").warn("the database answers again; circuit closed");
          }
          return true;
        },
        () => {
          this.pending = undefined;
          this.dropProbeClient();
          return false;
        },
      );
    return { since, answer };
  }

  private probeClient(): Promise<pg.Client> {
    if (!this.client) {
      const client = new pg.Client({ ...this.config, connectionTimeoutMillis: ABANDON_PROBE_AFTER_MS, keepAlive: true });
      client.on("error", () => this.dropProbeClient());
      client.on("end", () => this.dropProbeClient());
      this.client = client.connect().then(() => client);
      this.client.catch(() => {});
      this.rawClient = client;
    }
    return this.client;
  }

  private dropProbeClient(): void {
    (this.rawClient as unknown as ClientInternals | undefined)?.connection?.stream?.destroy();
    this.client = undefined;
    this.rawClient = undefined;
    this.pending = undefined;
  }

  private trip(): void {
    this.open = true;
    componentLogger("db").warn(`the database did not answer a probe within ${PROBE_TIMEOUT_MS} ms; failing fast (503) until it does`);
    for (const pool of this.pools) pool.failEverything();
  }
}

/**
 * A `pg.Pool` that reports what it is waiting for to its CircuitBreaker and
 * refuses to hand out connections while the circuit is open. Prisma's driver
 * adapter takes it like any pool (`new PrismaPg(pool)`).
 */
export class GuardedPool extends pg.Pool {
  private readonly waiters = new Set<Waiter>();
  private readonly checkedOut = new Map<pg.PoolClient, number>();

  constructor(
    options: pg.PoolConfig,
    readonly breaker: CircuitBreaker,
  ) {
    super(options);
    breaker.register(this);
    // A checked-out connection cut between two queries (failEverything, or the
    // server going away) emits 'error' with no query to fail; unheard, that
    // error would end the process. Its holder learns of it from its next query.
    this.on("connect", (client) => {
      client.on("error", () => {});
      (client as unknown as ClientInternals).connection?.stream?.on("data", () => breaker.heard());
    });
    this.on("acquire", (client) => this.checkedOut.set(client, Date.now()));
    this.on("release", (error, client) => {
      this.checkedOut.delete(client);
      if (!error) breaker.succeeded();
    });
    this.on("remove", (client) => this.checkedOut.delete(client as pg.PoolClient));
  }

  /** The start (epoch ms) of the oldest connect still awaited or connection still held; Infinity when none. */
  oldestInFlight(): number {
    let oldest = Infinity;
    for (const w of this.waiters) oldest = Math.min(oldest, w.since);
    for (const since of this.checkedOut.values()) oldest = Math.min(oldest, since);
    return oldest;
  }

  /** The circuit opened: fail whoever waits for a connection and cut every connection, so nothing hangs. */
  failEverything(): void {
    const error = new DatabaseUnreachableError();
    const internals = this as unknown as PoolInternals;
    for (const w of [...this.waiters]) w.abort(error);
    // Queued requests for a connection go too: left queued, each would open a
    // new connection into the void as soon as a slot frees, and hold that slot
    // for the whole connect timeout, after the network is back as well.
    for (const queued of internals._pendingQueue.splice(0)) queued.callback(error);
    for (const client of internals._clients) (client as unknown as ClientInternals).connection?.stream?.destroy();
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): void;
  override connect(callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void): Promise<pg.PoolClient> | void {
    const promise = this.breaker.open ? Promise.reject(new DatabaseUnreachableError()) : this.acquire();
    if (!callback) return promise;
    promise.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (error: Error) => callback(error, undefined, () => {}),
    );
  }

  private acquire(): Promise<pg.PoolClient> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const waiter: Waiter = {
        since: Date.now(),
        abort: (error) => {
          settled = true;
          this.waiters.delete(waiter);
          reject(error);
        },
      };
      this.waiters.add(waiter);
      super.connect().then(
        (client) => {
          this.waiters.delete(waiter);
          if (!settled) {
            settled = true;
            resolve(client);
          } else client.release(true); // the caller was already failed: not theirs any more
        },
        (error: unknown) => {
          this.waiters.delete(waiter);
          if (!settled) {
            settled = true;
            reject(error);
          }
        },
      );
    });
  }
}
