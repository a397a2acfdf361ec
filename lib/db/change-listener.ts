// One dedicated PostgreSQL connection that LISTENs for the changes the
// database announces (NOTIFY, sent by triggers inside the changing
// transaction), for in-process caches that must never serve what another
// instance has already changed (lib/licensing/license-cache.ts).
//
// Besides hearing notifications, it answers "has every change committed
// before now reached me?" (fence): a query on the same connection. A listening
// backend sends the notifications of transactions that committed before it
// read a query ahead of that query's result (the committer signals listeners
// before its own COMMIT returns; the backend processes the signal when it
// wakes to read), so once the fence's result is in, every such notification
// has been handled. A cache that fences before answering is therefore as
// fresh as a read from the database, and a change is seen at once, not merely
// "soon".
//
// While the connection is down (database restart, pg_terminate_backend, a
// network partition) `fence` answers false, so callers read the database
// instead, and the listener reconnects by itself; every (re)connection resets
// the subscribers, since notifications sent meanwhile are lost.
import pg from "pg";

export type ChangeSubscriber = {
  /** A notification's payload, in commit order. */
  onChange(payload: string): void;
  /** Notifications may have been missed: forget everything. */
  onReset(): void;
};

/** How long a fence may take before the connection counts as dead (then callers read the database). */
const FENCE_TIMEOUT_MS = 300;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;
/** Shown in pg_stat_activity.application_name, so operators (and tests) can find the connection. */
export const LISTENER_APPLICATION_NAME = "license-portal-listener";

export class ChangeListener {
  private client: pg.Client | null = null;
  private ready = false;
  private stopped = false;
  private reconnectDelay = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly subscribers = new Set<ChangeSubscriber>();
  private waiting: ((ok: boolean) => void)[] = [];
  private fenceScheduled = false;
  private fenceInFlight = false;
  /** Increases with every notification and reset: a read may fill a cache only when it did not move meanwhile. */
  generation = 0;

  /**
   * @param connectionString a direct connection to PostgreSQL (not through PgBouncer in
   *   transaction mode, which cannot keep a LISTEN)
   * @param channel the NOTIFY channel, an SQL identifier
   */
  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
  ) {}

  /** True while LISTEN is established on a live connection. Connects on first use. */
  get listening(): boolean {
    if (!this.client && !this.reconnectTimer && !this.stopped) this.connect();
    return this.ready;
  }

  subscribe(subscriber: ChangeSubscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  /**
   * Resolves true once every notification of a transaction that committed
   * before this call has been handed to the subscribers; false when the
   * connection is down or did not answer within 300 ms (then it is dropped and
   * reopened). The calls of one event-loop turn share one round trip.
   */
  fence(): Promise<boolean> {
    if (!this.listening) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.scheduleFence();
    });
  }

  // One fence in flight at a time (a pg.Client runs one query at a time anyway): callers that
  // arrive meanwhile wait for the next one, which is sent after they arrived.
  private scheduleFence(): void {
    if (this.fenceScheduled || this.fenceInFlight || this.waiting.length === 0) return;
    this.fenceScheduled = true;
    setImmediate(() => this.runFence());
  }

  /** Closes the connection for good. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.down();
    await client?.end().catch(() => {});
  }

  private runFence(): void {
    this.fenceScheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    const client = this.client;
    if (!this.ready || !client) return batch.forEach((resolve) => resolve(false));
    let settled = false;
    this.fenceInFlight = true;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      this.fenceInFlight = false;
      clearTimeout(timer);
      // A reset while the fence was out means notifications may be lost: not fenced.
      const fenced = ok && this.ready && this.client === client;
      batch.forEach((resolve) => resolve(fenced));
      this.scheduleFence();
    };
    const timer = setTimeout(() => {
      finish(false);
      if (this.client === client) this.fail(client);
    }, FENCE_TIMEOUT_MS);
    // An empty statement: the cheapest round trip PostgreSQL answers (no parse tree, no plan).
    client.query(";").then(
      () => finish(true),
      () => finish(false),
    );
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: 2_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    client.on("error", () => this.fail(client));
    client.on("end", () => this.fail(client));
    client.on("notification", (message) => {
      if (this.client !== client || message.channel !== this.channel) return;
      this.generation++;
      for (const s of this.subscribers) s.onChange(message.payload ?? "");
    });
    client
      .connect()
      .then(() => client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`))
      .then(
        () => {
          if (this.client !== client) return;
          // Whatever was cached before this connection listened may be stale.
          this.reset();
          this.ready = true;
          this.reconnectDelay = RECONNECT_MIN_MS;
        },
        () => this.fail(client),
      );
  }

  private fail(client: pg.Client): void {
    if (this.client !== client) return;
    this.down();
    // Closing the socket of a silently unreachable server must not wait for it.
    const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
    stream?.destroy();
    client.end().catch(() => {});
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => this.connect(), this.reconnectDelay);
    this.reconnectTimer.unref();
    this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
  }

  private down(): void {
    this.client = null;
    if (this.ready) this.reset();
    this.ready = false;
  }

  private reset(): void {
    this.generation++;
    for (const s of this.subscribers) s.onReset();
  }
}
