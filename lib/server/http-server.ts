// The portal's HTTP server: Node's `http` with two layers. Requests for the
// license API go straight to its handler (lib/server/fast-routes.ts), skipping
// Next's per-request pipeline on the one hot path of the product; everything
// else goes to Next's request handler. The same handlers are also mounted as
// Next route handlers, so `next dev` or any Next host serves the same API.
import http from "node:http";
import type { AddressInfo } from "node:net";
import next from "next";
import { appendPeerAddress } from "../http/client-ip";
import { answerIfDatabaseUnreachable } from "./database-unavailable";
import { apiSecurityHeaders } from "../http/security-headers";
import { refuseConnect } from "./request-guard";
import { metricsPort, startMetricsServer } from "../metrics/endpoint";
import { nextPageRoutes, nextRouteMatcher } from "../metrics/routes";
import { createRequestListener } from "./request-pipeline";

export type RunningServer = {
  port: number;
  /** The separate metrics listener's port (METRICS_PORT), when there is one. */
  metricsPort?: number;
  url: string;
  /** Stops accepting connections and waits (at most `graceMs`) for open requests. */
  close: (graceMs?: number) => Promise<void>;
};

export async function startHttpServer(options: {
  dev: boolean;
  port: number;
  hostname?: string;
  dir?: string;
}): Promise<RunningServer> {
  const hostname = options.hostname ?? "0.0.0.0";
  const dir = options.dir ?? process.cwd();
  const app = next({ dev: options.dev, dir, hostname, port: options.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  // LICENSE_API_FAST_PATH=0 sends the APIs through Next's route handlers too
  // (the benchmark compares both; it is also a way to rule the fast path out).
  const fastPath = process.env.LICENSE_API_FAST_PATH !== "0";

  const server = http.createServer(
    createRequestListener({
      fastPath,
      fallback: (req, res) => {
        // Every answer Next gives (pages, route handlers, static files, its 404s, the database-down page)
        // starts with these; proxy.ts replaces the API policy with a nonce-based one on pages.
        for (const [name, value] of Object.entries(apiSecurityHeaders())) res.setHeader(name, value);
        if (answerIfDatabaseUnreachable(req, res)) return;
        appendPeerAddress(req.headers, req.socket.remoteAddress);
        void handleNext(req, res);
      },
      fallbackRoute: nextRouteMatcher(dir),
      pageRoutes: nextPageRoutes(dir),
    }),
  );
  server.on("connect", (_req, socket) => refuseConnect(socket));
  // Keep-alive sockets from load balancers outlive Node's 5 s default otherwise.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const metricsListenPort = metricsPort();
  const metricsServer = metricsListenPort === undefined ? undefined : await startMetricsServer(metricsListenPort, hostname);

  return {
    port,
    metricsPort: metricsServer?.port,
    url: `http://localhost:${port}`,
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          void (metricsServer?.close() ?? Promise.resolve()).then(resolve);
        });
        server.closeIdleConnections();
      }),
  };
}
