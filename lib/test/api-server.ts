// A bare API server process for tests that need several server processes on
// one database: the production request pipeline (request id, access log,
// metrics) and fast-path handlers, without Next. Prints "listening <port>"
// once it accepts connections; PORT picks the port (default: any free one).
// START_JOBS=1 also starts the job engine as `npm start` does (JOBS_WORKERS=0:
// without workers), so tests can kill a whole app instance, workers included.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { usageRecorder } from "../analytics/usage-recorder";
import { closeDatabase } from "../db/client";
import { startJobs, stopJobs } from "../jobs";
import { markDraining } from "../health/readiness";
import { metricsPort, startMetricsServer } from "../metrics/endpoint";
import { UNMATCHED } from "../metrics/routes";
import { createRequestListener } from "../server/request-pipeline";

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
process.on("SIGTERM", () => {
  markDraining();
  server.close();
  void usageRecorder()
    .flush()
    .then(() => stopJobs(2000))
    .finally(() => closeDatabase().finally(() => process.exit(0)));
});
