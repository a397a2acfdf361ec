// What the portal's server answers before routing, and the security headers on the fast path's answers:
// a real `http` server with the production request listener's first two layers (guard, fast path).
import http, { type IncomingMessage } from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_CSP, apiSecurityHeaders, baseSecurityHeaders, pageCsp, resetSecurityHeadersForTests } from "../http/security-headers";
import { otherMethods } from "../http/route-methods";
import { setupTestDatabase } from "../test/database";
import { handleFastRoute } from "./fast-routes";
import { refuseConnect, refuseRequest } from "./request-guard";

setupTestDatabase();

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const refused = refuseRequest(req, q === -1 ? url : url.slice(0, q));
    if (refused) {
      res.writeHead(refused.status, { ...apiSecurityHeaders(), ...refused.headers });
      res.end(req.method === "HEAD" ? undefined : refused.body);
      return;
    }
    void handleFastRoute(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  server.on("connect", (_req, socket) => refuseConnect(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A raw HTTP/1.1 request, so methods and paths fetch() would refuse to send reach the server. */
function raw(method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/`, { method, path }, (res: IncomingMessage) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the request guard", () => {
  it("answers CONNECT (a tunnel request, which Node routes apart) with 405 and Allow instead of dropping the connection", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(base).port), "127.0.0.1", () => socket.write("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
      let text = "";
      socket.on("data", (chunk) => (text += chunk));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer).toMatch(/\r\nAllow: GET, HEAD, POST\r\n/);
    expect(answer).toContain("frame-ancestors 'none'");
  });

  it.each(["TRACE", "PROPFIND", "MKCOL", "LOCK", "PURGE"])("answers %s with 405 and Allow on pages and APIs alike", async (method) => {
    for (const path of ["/", "/account", "/admin", "/api/v1/licenses/validate", "/api/v1/admin/licenses", "/api/health", "/nope"]) {
      const res = await raw(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow, `${method} ${path}`).toMatch(/GET/);
      expect(res.headers["content-security-policy"]).toBe(API_CSP);
    }
  });

  it.each(["/account/licenses/%ZZ", "/api/v1/admin/licenses/%ZZ", "/api/v1/licenses/%", "/admin/licenses/%E0%A4%A", "/%C0%AF", "/x%FFy"])(
    "answers the malformed path %s with 400",
    async (path) => {
      const res = await raw("GET", path);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: "BAD_REQUEST" } });
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
    },
  );

  it("lets well-formed percent-encoding through", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (segment) => {
        const path = `/account/licenses/${encodeURIComponent(segment)}`;
        expect(refuseRequest({ method: "GET" } as IncomingMessage, path)).toBeNull();
      }),
    );
  });

  it("refuses any `%` that does not start a UTF-8 escape", () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom("%", "%Z", "%G0", "%0", "%FF", "%C3"), (prefix, bad) => {
        const path = `/x/${encodeURIComponent(prefix)}${bad}`;
        expect(refuseRequest({ method: "GET" } as IncomingMessage, path)?.status).toBe(400);
      }),
    );
  });
});

describe("security headers", () => {
  it("are on every fast-path answer, errors, 404s and 405s included", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/licenses/validate"],
      ["GET", "/api/v1/licenses/validate"],
      ["GET", "/api/v1/public-key"],
      ["POST", "/api/v1/licenses/nope"],
      ["GET", "/api/v1/admin/licenses"],
      ["OPTIONS", "/api/v1/admin/licenses"],
    ]) {
      const res = await raw(method!, path!);
      expect(res.status, `${method} ${path}`).toBeLessThan(500);
      expect(res.headers["content-security-policy"], `${method} ${path}`).toBe(API_CSP);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("DENY");
      expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(res.headers["permissions-policy"]).toContain("camera=()");
      if (res.status === 405) expect(res.headers.allow, `${method} ${path}`).toBeTruthy();
    }
  });

  it("forbid framing and keep scripts to the page's nonce", () => {
    expect(API_CSP).toContain("frame-ancestors 'none'");
    const csp = pageCsp("bm9uY2U=", false);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-bm9uY2U=' 'strict-dynamic'(;|$)/);
    expect(csp).not.toContain("unsafe-eval");
    expect(pageCsp("x", true)).toContain("'unsafe-eval'");
  });

  it("send HSTS only when APP_URL is https", () => {
    expect(baseSecurityHeaders("https://licenses.example.com")).toContainEqual(["Strict-Transport-Security", "max-age=63072000; includeSubDomains"]);
    expect(baseSecurityHeaders("http://localhost:3000").map(([name]) => name)).not.toContain("Strict-Transport-Security");
    expect(baseSecurityHeaders(undefined).map(([name]) => name)).not.toContain("Strict-Transport-Security");
    const previous = process.env.APP_URL;
    process.env.APP_URL = "https://licenses.example.com";
    resetSecurityHeadersForTests();
    try {
      expect(apiSecurityHeaders()["Strict-Transport-Security"]).toBe("max-age=63072000; includeSubDomains");
    } finally {
      if (previous === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = previous;
      resetSecurityHeadersForTests();
    }
  });
});

describe("route handlers' 405s", () => {
  it("name the allowed methods", async () => {
    const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
    for (const handler of [POST, PUT, PATCH, DELETE]) {
      const res = handler();
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect(await res.json()).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
    }
    expect(Object.keys(otherMethods(["GET", "POST"])).sort()).toEqual(["DELETE", "PATCH", "PUT"]);
    expect(otherMethods(["POST"]).GET().headers.get("allow")).toBe("OPTIONS, POST");
  });

  it.each([
    ["@/app/api/health/route", "GET, HEAD, OPTIONS"],
    ["@/app/api/v1/openapi.json/route", "GET, HEAD, OPTIONS"],
    ["@/app/api/stripe/webhook/route", "OPTIONS, POST"],
    ["@/app/api/checkout/status/route", "GET, HEAD, OPTIONS"],
  ])("%s answers every other method with 405 and Allow: %s", async (module, allow) => {
    const route = (await import(/* @vite-ignore */ module)) as Record<string, unknown>;
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      expect(typeof route[method], method).toBe("function");
    }
    const other = allow.includes("POST") ? "GET" : "DELETE";
    const res = (route[other] as () => Response)();
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe(allow);
  });
});
