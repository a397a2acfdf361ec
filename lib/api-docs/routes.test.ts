// The OpenAPI document is complete: every HTTP route the app serves is in it, unless it is listed below as
// not part of the API (with the reason). Without this, a new endpoint could ship undocumented and unfuzzed
// (lib/api-docs/contract.test.ts only drives what the document lists).
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { adminRouteTable } from "../admin-api/handlers";
import { LEMON_SQUEEZY_ACTIONS } from "../compat/lemonsqueezy/handler";
import { signedEndpointPaths } from "../licensing/api/router";
import { documentOperations } from "../test/openapi-schemas";
import { openApiDocument } from "./openapi";

type Json = Record<string, unknown>;

/**
 * App routes that are deliberately NOT in the API document. Each is a browser-facing route of the console or
 * the customer portal, authenticated by the session cookie, or a third party's internals — not an API that
 * vendors' applications or tools call. Add a route here only with the reason.
 */
const NOT_API: Record<string, string> = {
  // Auth.js's own sign-in, callback, CSRF and session endpoints (its internals, not ours to describe).
  "/api/auth/[...nextauth]": "Auth.js internals",
  // Polled by the checkout success page with the buyer's session cookie; says only whether the license exists yet.
  "/api/checkout/status": "page helper of /checkout/success",
  // The customer portal's downloads: session cookie and ownership checks, then a redirect to a signed link.
  "/account/licenses/[id]/downloads/[artifactId]": "customer portal (session)",
  // The customer portal's "Receipt" link: a redirect to Stripe's hosted receipt of one of the customer's orders (session cookie).
  "/account/orders/[id]/receipt": "customer portal (session)",
  // The customer portal's offline license file download (session cookie).
  "/account/licenses/[id]/offline": "customer portal (session)",
  // The console's upload with progress (admin session, same origin); the API's own upload is PUT /api/v1/admin/releases/{id}/artifacts/{filename}.
  "/admin/releases/[id]/artifacts": "console (admin session)",
  // The console's CSV import (dry run, then apply) and export buttons (admin session, same origin); the API's own are
  // POST /api/v1/admin/licenses/import and GET /api/v1/admin/export/{kind}, through the same lib/transfer functions.
  "/admin/transfer/import": "console (admin session)",
  "/admin/transfer/export": "console (admin session)",
};

/** Every `route.ts` under app/, as its URL path with Next's segment syntax (`[id]`, `[...path]`). */
function appRoutes(dir = path.resolve("app"), prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      // Route groups `(name)` add nothing to the URL.
      const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
      found.push(...appRoutes(path.join(dir, entry.name), prefix + segment));
    } else if (entry.name === "route.ts" || entry.name === "route.tsx") {
      found.push(prefix || "/");
    }
  }
  return found;
}

/** A Next route path as a regex over concrete paths: `[x]` one segment, `[...x]` one or more. */
function routePattern(route: string): RegExp {
  const body = route
    .split("/")
    .map((segment) => (/^\[\.\.\..+\]$/.test(segment) ? ".+" : /^\[.+\]$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${body}$`);
}

/** A documented path template with each `{param}` filled, so it can be matched against route patterns. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, "x");

/** The app routes no documented operation falls under, not counting NOT_API. */
function undocumentedRoutes(routes: string[], documentedPaths: string[], notApi: Record<string, string> = NOT_API): string[] {
  return routes.filter((route) => !(route in notApi) && !documentedPaths.some((p) => routePattern(route).test(concrete(p))));
}

const doc = openApiDocument() as Json;
const documented = documentOperations(doc).map(({ method, path }) => ({ method, path }));
const has = (method: string, test: (concrete: string) => boolean) => documented.some((o) => o.method === method && test(concrete(o.path)));

describe("the OpenAPI document covers every route the app serves", () => {
  it("finds the app's routes (the walk really walks)", () => {
    const routes = appRoutes();
    expect(routes).toEqual(expect.arrayContaining(["/api/health", "/api/v1/admin/[...path]", "/v1/licenses/[action]", "/api/v1/updates/[...path]"]));
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it("documents every app route that is not on the commented NOT_API list", () => {
    expect(undocumentedRoutes(appRoutes(), documented.map((o) => o.path))).toEqual([]);
  });

  it("keeps NOT_API honest: every entry is a route that exists", () => {
    const routes = new Set(appRoutes());
    expect(Object.keys(NOT_API).filter((route) => !routes.has(route))).toEqual([]);
  });

  it("notices an undocumented route (the check above really checks)", () => {
    expect(undocumentedRoutes(["/api/v1/admin/[...path]", "/api/v1/secret/[id]"], ["/api/v1/admin/products"], {})).toEqual(["/api/v1/secret/[id]"]);
  });

  it("documents every method of every admin API route (the catch-all's own routing table)", () => {
    const missing = adminRouteTable().flatMap(({ pattern, methods }) =>
      methods.filter((method) => !has(method, (p) => p.startsWith("/api/v1/admin/") && pattern.test(p.slice("/api/v1/admin/".length)))).map((m) => `${m} ${pattern}`),
    );
    expect(missing).toEqual([]);
  });

  it("documents every signed license endpoint and every Lemon Squeezy action", () => {
    expect(signedEndpointPaths().filter((p) => !has("POST", (d) => d === p))).toEqual([]);
    expect(LEMON_SQUEEZY_ACTIONS.filter((action) => !has("POST", (d) => d === `/v1/licenses/${action}`))).toEqual([]);
  });

  it("documents both update feeds served under /api/v1/updates/", () => {
    expect(has("GET", (p) => /^\/api\/v1\/updates\/electron\/x\/x$/.test(p))).toBe(true);
    expect(has("GET", (p) => /^\/api\/v1\/updates\/tauri\/x\/x\/x\/x$/.test(p))).toBe(true);
  });
});
