// What every request to the portal's server goes through, whichever handler
// answers it: a request id (X-Request-Id, both ways, and on every log line
// written on the request's behalf), one access log line and the request
// counter of /metrics. Shared by the production server (Next behind the fast
// path) and the bare API server the multi-process tests start.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { logger } from "../logging/logger";
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestContext } from "../logging/request-context";
import { countHttpRequest } from "../metrics/registry";
import { apiRouteLabel, UNMATCHED } from "../metrics/routes";
import { apiSecurityHeaders } from "../http/security-headers";
import { handleFastRoute, isFastRoute } from "./fast-routes";
import { refusePageMethod, refuseRequest } from "./request-guard";

export type PipelineOptions = {
  /** Serve the APIs from the fast path (LICENSE_API_FAST_PATH != 0). */
  fastPath: boolean;
  /** Answers what the fast path does not (Next's request handler, or a 404). */
  fallback: (req: IncomingMessage, res: ServerResponse) => void;
  /** The route template of a path the fallback answered, for /metrics. */
  fallbackRoute: (pathname: string) => string;
  /** The fallback's route templates that are pages: other methods than GET, HEAD and POST get 405 there. */
  pageRoutes?: ReadonlySet<string>;
};

// The fast path's mounts, for route labels of 401/404 answers (see apiRouteLabel).
const API_MOUNTS = ["/api/v1/admin", "/api/v1/licenses"];

function fastRouteLabel(pathname: string, status: number): string {
  const mount = API_MOUNTS.find((m) => pathname.startsWith(m + "/"));
  if (mount) return apiRouteLabel(mount, pathname, status);
  return status === 404 ? UNMATCHED : pathname;
}

/**
 * The server's request listener: request id, access log, metrics, the refusal
 * of methods nobody implements (lib/server/request-guard.ts), then the fast
 * path or the fallback.
 */
export function createRequestListener(options: PipelineOptions): RequestListener {
  const log = logger();
  return (req, res) => {
    const started = performance.now();
    const requestId = requestIdFrom(req.headers["x-request-id"]);
    // Pages and route handlers behind us read it from the request like any header.
    req.headers["x-request-id"] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    const fast = options.fastPath && isFastRoute(pathname);

    res.once("finish", () => {
      const route = fast ? fastRouteLabel(pathname, res.statusCode) : options.fallbackRoute(pathname);
      countHttpRequest(route, req.method ?? "GET", res.statusCode);
      const ms = Math.round((performance.now() - started) * 10) / 10;
      // Path without the query string: admin searches carry emails and names there.
      runWithRequestContext({ requestId }, () =>
        log.info({ method: req.method, path: pathname, route, status: res.statusCode, ms }, "request completed"),
      );
    });

    const refused =
      refuseRequest(req, pathname) ??
      (!fast && options.pageRoutes ? refusePageMethod(req.method ?? "GET", options.fallbackRoute(pathname), options.pageRoutes) : null);
    if (refused) {
      res.writeHead(refused.status, { ...apiSecurityHeaders(), ...refused.headers });
      res.end(req.method === "HEAD" ? undefined : refused.body);
      return;
    }

    runWithRequestContext({ requestId }, () => {
      (fast ? handleFastRoute(req, res) : Promise.resolve(false)).then(
        (handled) => {
          if (!handled) options.fallback(req, res);
        },
        (error: unknown) => {
          log.error({ err: error }, "request failed");
          if (!res.headersSent) res.writeHead(500, { ...apiSecurityHeaders(), "Content-Type": "application/json" });
          res.end(JSON.stringify({ error: { code: "INTERNAL", message: "Internal error" } }));
        },
      );
    });
  };
}
