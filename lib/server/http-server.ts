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
import { handleFastRoute } from "./fast-routes";
import { refuseConnect, refuseRequest } from "./request-guard";

export type RunningServer = {
  port: number;
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
  const app = next({ dev: options.dev, dir: options.dir ?? process.cwd(), hostname, port: options.port });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  // LICENSE_API_FAST_PATH=0 sends the APIs through Next's route handlers too
  // (the benchmark compares both; it is also a way to rule the fast path out).
  const fastPath = process.env.LICENSE_API_FAST_PATH !== "0";

  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const refused = refuseRequest(req, q === -1 ? url : url.slice(0, q));
    if (refused) {
      res.writeHead(refused.status, { ...apiSecurityHeaders(), ...refused.headers });
      res.end(req.method === "HEAD" ? undefined : refused.body);
      return;
    }
    (fastPath ? handleFastRoute(req, res) : Promise.resolve(false)).then(
      (handled) => {
        if (handled) return;
        // Every answer Next gives (pages, route handlers, static files, its 404s, the database-down page)
        // starts with these; proxy.ts replaces the API policy with a nonce-based one on pages.
        for (const [name, value] of Object.entries(apiSecurityHeaders())) res.setHeader(name, value);
        if (answerIfDatabaseUnreachable(req, res)) return;
        appendPeerAddress(req.headers, req.socket.remoteAddress);
        void handleNext(req, res);
      },
      (error: unknown) => {
        console.error("request failed:", error);
        if (!res.headersSent) res.writeHead(500, { ...apiSecurityHeaders(), "Content-Type": "application/json" });
        res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Internal error" } }));
      },
    );
  });
  server.on("connect", (_req, socket) => refuseConnect(socket));
  // Keep-alive sockets from load balancers outlive Node's 5 s default otherwise.
  server.keepAliveTimeout = 65_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, hostname, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://localhost:${port}`,
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
