// A bare API server process for tests that need several server processes on
// one database: the same fast-path handlers as production, without Next.
// Prints "listening <port>" once it accepts connections.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { usageRecorder } from "../analytics/usage-recorder";
import { closeDatabase } from "../db/client";
import { handleFastRoute } from "../server/fast-routes";

const server = http.createServer((req, res) => {
  handleFastRoute(req, res).then((handled) => {
    if (!handled) res.writeHead(404).end();
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  server.close();
  void usageRecorder().flush().finally(() => closeDatabase().finally(() => process.exit(0)));
});
