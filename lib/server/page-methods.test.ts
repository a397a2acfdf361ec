// Methods a page does not take (API.md "Input domain", HTTP: "an unsupported method answers 405 with
// Allow"). Found from outside against `npm start`: PUT, PATCH and DELETE on /pricing rendered the page
// with 200 and OPTIONS answered 400, because only methods no route at all implements were refused.
// The production request listener (lib/server/request-pipeline.ts) on a real `http` server, with the
// route manifests in the format `next build` writes them; Next's own handler is stood in for by a
// fallback that answers 200, as Next did.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextPageRoutes, nextRouteMatcher } from "../metrics/routes";
import { createRequestListener } from "./request-pipeline";

let server: http.Server;
let base: string;
const reachedNext: string[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "page-methods-"));
  mkdirSync(path.join(dir, ".next"));
  writeFileSync(
    path.join(dir, ".next", "routes-manifest.json"),
    JSON.stringify({
      staticRoutes: [
        { page: "/", regex: "^/(?:/)?$" },
        { page: "/pricing", regex: "^/pricing(?:/)?$" },
        { page: "/metrics", regex: "^/metrics(?:/)?$" },
        { page: "/account", regex: "^/account(?:/)?$" },
      ],
      dynamicRoutes: [
        { page: "/admin/releases/[id]/artifacts", regex: "^/admin/releases/([^/]+?)/artifacts(?:/)?$" },
        { page: "/admin/licenses/[id]", regex: "^/admin/licenses/([^/]+?)(?:/)?$" },
      ],
    }),
  );
  writeFileSync(
    path.join(dir, ".next", "app-path-routes-manifest.json"),
    JSON.stringify({
      "/page": "/",
      "/pricing/page": "/pricing",
      "/account/(overview)/page": "/account",
      "/admin/licenses/[id]/page": "/admin/licenses/[id]",
      "/admin/releases/[id]/artifacts/route": "/admin/releases/[id]/artifacts",
      "/metrics/route": "/metrics",
    }),
  );
  server = http.createServer(
    createRequestListener({
      fastPath: true,
      fallback: (req, res) => {
        reachedNext.push(`${req.method} ${req.url}`);
        res.writeHead(200, { "Content-Type": "text/html" }).end("<html>page</html>");
      },
      fallbackRoute: nextRouteMatcher(dir),
      pageRoutes: nextPageRoutes(dir),
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("methods on pages", () => {
  it.each(["PUT", "PATCH", "DELETE", "OPTIONS"])("%s on a page answers 405 with Allow: GET, HEAD, POST and never reaches the page", async (method) => {
    for (const page of ["/pricing", "/", "/account", "/admin/licenses/0b9e1f7e-0000-4000-8000-000000000000"]) {
      reachedNext.length = 0;
      const res = await fetch(base + page, { method });
      expect({ page, status: res.status, allow: res.headers.get("allow") }).toEqual({ page, status: 405, allow: "GET, HEAD, POST" });
      expect(await res.json()).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: `${method} is not supported` } });
      expect(reachedNext).toEqual([]);
    }
  });

  it("passes GET, HEAD and POST (server actions) on pages, and every method on route handlers, to Next", async () => {
    reachedNext.length = 0;
    for (const method of ["GET", "HEAD", "POST"]) expect((await fetch(`${base}/pricing`, { method })).status).toBe(200);
    expect((await fetch(`${base}/admin/releases/abc/artifacts`, { method: "PUT", body: "bytes" })).status).toBe(200);
    expect((await fetch(`${base}/no-such-page`, { method: "DELETE" })).status).toBe(200);
    expect(reachedNext).toEqual(["GET /pricing", "HEAD /pricing", "POST /pricing", "PUT /admin/releases/abc/artifacts", "DELETE /no-such-page"]);
  });
});
