// A bare API server process for tests that need several server processes on
// one database: the production request pipeline (request id, access log,
// metrics) and fast-path handlers, without Next. Prints "listening <port>"
// once it accepts connections; PORT picks the port (default: any free one).
// START_JOBS=1 also starts the job engine as `npm start` does (JOBS_WORKERS=0:
// without workers), so tests can kill a whole app instance, workers included.
// SIGTERM/SIGINT stop it as they stop `npm start` (lib/server/shutdown.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { usageRecorder } from "../analytics/usage-recorder";
import { closeDatabase } from "../db/client";
import { ABORT_MARGIN_MS, shutdownGraceMs, startJobs, stopJobs } from "../jobs";
import { componentLogger } from "../logging/logger";
import { markDraining } from "../health/readiness";
import { metricsPort, startMetricsServer } from "../metrics/endpoint";
import { UNMATCHED } from "../metrics/routes";
import { createRequestListener } from "../server/request-pipeline";
import { handleShutdownSignals } from "../server/shutdown";

const server = http.createServer(
  createRequestListener({
    fastPath: true,
    fallback: (_req, res) => void res.writeHead(404).end(),
    fallbackRoute: () => UNMATCHED,
  }),
);
if (process.env.START_JOBS === "1") await startJobs();
const port = metricsPort();
if (port !== undefined) await startMetricsServer(port, "127.0.0.1");
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
handleShutdownSignals({
  log: (line) => componentLogger("server").info(line),
  deadlineMs: shutdownGraceMs() + ABORT_MARGIN_MS + 10_000,
  stop: async (step) => {
    markDraining();
    step("closing the HTTP server");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), 5_000);
      server.close(() => resolve(clearTimeout(timer)));
      server.closeIdleConnections();
    });
    step("flushing usage counters");
    await usageRecorder().flush();
    step("stopping the job engine");
    await stopJobs();
    step("closing database connections");
    await closeDatabase();
  },
});
