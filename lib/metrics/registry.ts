// The portal's Prometheus metrics (prom-client), one registry per process.
// Label values are bounded by construction: routes are templates
// (lib/metrics/routes.ts), license API endpoints and codes come from fixed
// sets, so a hostile client cannot grow the registry by sending odd paths.
import client, { type Counter, type Histogram, type Registry } from "prom-client";
import { poolStatistics } from "../db/client";
import { jobQueueDepths } from "../jobs/depth";

type Metrics = {
  registry: Registry;
  httpRequests: Counter<"route" | "method" | "status">;
  licenseApiDuration: Histogram<"endpoint" | "code">;
  licenseApiResults: Counter<"endpoint" | "code">;
  /** Children of the two license API metrics by `endpoint\0code`: the hot path skips prom-client's label hashing. */
  licenseApiChildren: Map<string, { duration: Histogram.Internal<"endpoint" | "code">; results: Counter.Internal }>;
  licenseCacheLookups: Record<LicenseCacheResult, Counter.Internal>;
  webhookFailures: Counter<"final">;
};

/** hit: answered from the cache; miss: read and kept; bypass: read, the change listener being down. */
export type LicenseCacheResult = "hit" | "miss" | "bypass";

/**
 * Bucket bounds in seconds for the license API: its answers take 1-15 ms on a
 * healthy database (README "Performance"), 503s on a dead one up to the
 * connect timeout.
 */
export const LICENSE_API_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

// The custom server and Next's bundle of this module share one process and
// must count into one registry, hence globalThis rather than a module variable.
const KEY = Symbol.for("license-portal.metrics");
const holder = globalThis as unknown as { [KEY]?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  registerPoolGauges(registry);
  registerJobQueueGauge(registry);
  return {
    registry,
    httpRequests: new client.Counter({
      name: "http_requests_total",
      help: "HTTP requests answered, by route template, method and status code.",
      labelNames: ["route", "method", "status"],
      registers: [registry],
    }),
    licenseApiDuration: new client.Histogram({
      name: "license_api_request_duration_seconds",
      help: "Time to answer a license API request, from its arrival to its signed answer, by endpoint and result code.",
      labelNames: ["endpoint", "code"],
      buckets: LICENSE_API_BUCKETS,
      registers: [registry],
    }),
    licenseApiResults: new client.Counter({
      name: "license_api_results_total",
      help: "License API answers by endpoint and code: the validation code (VALID, EXPIRED, TOO_MANY_MACHINES, ...) or the error code (BAD_REQUEST, RATE_LIMITED, UNAVAILABLE, ...).",
      labelNames: ["endpoint", "code"],
      registers: [registry],
    }),
    licenseApiChildren: new Map(),
    licenseCacheLookups: licenseCacheCounters(registry),
    webhookFailures: new client.Counter({
      name: "webhook_delivery_failures_total",
      help: "Failed webhook delivery attempts made by this instance's workers (no 2xx within 10 s); final=\"true\" when it was the delivery's last attempt and the delivery is now FAILED.",
      labelNames: ["final"],
      registers: [registry],
    }),
  };
}

function licenseCacheCounters(registry: Registry): Record<LicenseCacheResult, Counter.Internal> {
  const counter = new client.Counter({
    name: "license_cache_lookups_total",
    help: "Validations' license reads by result: hit (in-process cache), miss (read from the database and cached), bypass (read from the database because the LISTEN connection is down).",
    labelNames: ["result"],
    registers: [registry],
  });
  return { hit: counter.labels("hit"), miss: counter.labels("miss"), bypass: counter.labels("bypass") };
}

// Read when scraped, not kept up to date per checkout: the pools already count.
function registerPoolGauges(registry: Registry): void {
  const gauge = (name: string, help: string, read: (s: ReturnType<typeof poolStatistics>[number]) => number) =>
    new client.Gauge({
      name,
      help,
      labelNames: ["pool"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of poolStatistics()) this.labels(s.pool).set(read(s));
      },
    });
  gauge("db_pool_connections", "Open connections of the database pool (pg: the license API's hot path, prisma: everything else).", (s) => s.total);
  gauge("db_pool_idle_connections", "Open connections of the database pool not checked out.", (s) => s.idle);
  gauge("db_pool_waiting_requests", "Queries waiting for a connection of the database pool: above 0 for long, the pool is too small or the database too slow.", (s) => s.waiting);
}

// Read from PostgreSQL when scraped: the queues are shared by all instances, so
// every instance reports the same figures (use max, not sum, across instances).
function registerJobQueueGauge(registry: Registry): void {
  new client.Gauge({
    name: "job_queue_depth",
    help: "Background jobs due and not yet started, by queue (pg-boss jobs plus outbox rows not yet moved), shared by all instances.",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      let depths: Map<string, number>;
      try {
        depths = await jobQueueDepths();
      } catch {
        return; // database unreachable: no figure rather than a failed scrape
      }
      this.reset();
      for (const [queue, depth] of depths) this.labels(queue).set(depth);
    },
  });
}

/** The process's metrics, created (with Node's default process metrics) on first use. */
export function metrics(): Metrics {
  return (holder[KEY] ??= create());
}

/**
 * Records one license API answer: `endpoint` is a fixed name (validate,
 * activate, ...), `code` the answer's validation or error code, `seconds` its
 * duration.
 */
export function observeLicenseApi(endpoint: string, code: string, seconds: number): void {
  const m = metrics();
  const id = `${endpoint}\0${code}`;
  let child = m.licenseApiChildren.get(id);
  if (!child) {
    child = { duration: m.licenseApiDuration.labels(endpoint, code), results: m.licenseApiResults.labels(endpoint, code) };
    m.licenseApiChildren.set(id, child);
  }
  child.duration.observe(seconds);
  child.results.inc();
}

/** Counts one license read of a validation by how the cache served it (lib/licensing/license-cache.ts). */
export function countLicenseCacheLookup(result: LicenseCacheResult): void {
  metrics().licenseCacheLookups[result].inc();
}

/** Counts one answered HTTP request; `route` must be a template (see routes.ts), never a raw path. */
export function countHttpRequest(route: string, method: string, status: number): void {
  metrics().httpRequests.labels(route, method, String(status)).inc();
}

/** Counts one failed webhook delivery attempt (lib/webhooks/deliver.ts); `final`: the delivery is now FAILED. */
export function countWebhookDeliveryFailure(final: boolean): void {
  metrics().webhookFailures.labels(String(final)).inc();
}
