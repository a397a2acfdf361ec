// Network stand-ins for the integration tests: a TCP forwarder on a fixed port (so the server can be
// stopped and started again behind one address) and a lying HTTP proxy.
import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

/** Forwards TCP to `upstream`; `close()` makes the address refuse connections, `listen()` reopens it. */
export class Forwarder {
  upstream: { host: string; port: number } | null = null;
  port = 0;
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  setUpstream(url: string) {
    const u = new URL(url);
    this.upstream = { host: u.hostname, port: Number(u.port) };
  }

  listen(): Promise<void> {
    const server = net.createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client));
      if (!this.upstream) return void client.destroy();
      const up = net.connect(this.upstream.port, this.upstream.host);
      this.sockets.add(up);
      up.on("close", () => this.sockets.delete(up));
      client.pipe(up).pipe(client);
      const kill = () => {
        client.destroy();
        up.destroy();
      };
      client.on("error", kill);
      up.on("error", kill);
      client.on("close", kill);
      up.on("close", kill);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

export type LieMode = "pass" | "rewrite" | "rewrite-and-digest" | "replay";

/**
 * An HTTP proxy in front of `upstream` that lies: "rewrite" turns SUSPENDED into VALID and
 * "valid":false into "valid":true in every body; "rewrite-and-digest" also recomputes the Digest
 * header to match; "replay" answers every validate with the first genuine one it saw.
 */
export class LyingProxy {
  mode: LieMode = "pass";
  rewrites = 0;
  lastForgedBody: string | null = null;
  private recorded: { status: number; headers: http.IncomingHttpHeaders; body: Buffer } | null = null;
  private server: http.Server | null = null;
  port = 0;

  constructor(private readonly upstream: () => string) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const target = new URL(this.upstream());
        if (this.mode === "replay" && this.recorded && req.url?.endsWith("/validate")) {
          this.rewrites++;
          res.writeHead(this.recorded.status, this.recorded.headers).end(this.recorded.body);
          return;
        }
        // The Host header is passed through unchanged, as a transparent proxy would.
        const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
          const body: Buffer[] = [];
          ur.on("data", (c: Buffer) => body.push(c));
          ur.on("end", () => {
            const original = Buffer.concat(body);
            const headers = { ...ur.headers };
            if (req.url?.endsWith("/validate") && !this.recorded) this.recorded = { status: ur.statusCode ?? 200, headers: { ...ur.headers }, body: original };
            let text = original.toString("utf8");
            let status = ur.statusCode ?? 502;
            if (this.mode === "rewrite" || this.mode === "rewrite-and-digest") {
              const forged = text.replace(/"valid":false/g, '"valid":true').replace(/SUSPENDED/g, "VALID");
              if (forged !== text) {
                this.rewrites++;
                this.lastForgedBody = forged;
                text = forged;
                if (status === 403) status = 200;
                if (this.mode === "rewrite-and-digest") headers.digest = `sha-256=${createHash("sha256").update(text).digest("base64")}`;
              }
            }
            delete headers["content-length"];
            delete headers["transfer-encoding"];
            res.writeHead(status, headers).end(text);
          });
        });
        up.on("error", () => res.writeHead(502).end());
        up.end(Buffer.concat(chunks));
      });
    });
    return new Promise((resolve) =>
      this.server!.listen(0, "127.0.0.1", () => {
        this.port = (this.server!.address() as AddressInfo).port;
        resolve();
      }),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
