// A bare API server process for tests that need several server processes on
// one database: the production request pipeline (request id, access log,
// metrics) and fast-path handlers, without Next. Prints "listening <port>"
// once it accepts connections; PORT picks the port (default: any free one).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { usageRecorder } from "../analytics/usage-recorder";
import { closeDatabase } from "../db/client";
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
const port = metricsPort();
if (port !== undefined) await startMetricsServer(port, "127.0.0.1");
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  markDraining();
  server.close();
  void usageRecorder().flush().finally(() => closeDatabase().finally(() => process.exit(0)));
});
