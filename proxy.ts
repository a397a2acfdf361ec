// Next's proxy (formerly "middleware"): gives every page a fresh CSP nonce and the security headers. Next
// reads the nonce from the request's Content-Security-Policy header and puts it on its own scripts
// (Next's "Content Security Policy" guide). Every page is rendered per request already (the root layout
// reads the session), which nonces need. The portal's own server sets the same headers, with the API
// policy, on everything before Next sees it (lib/server/http-server.ts); this covers `next dev` and any
// other Next host, and replaces the API policy with the page policy for pages.
import { NextResponse, type NextRequest } from "next/server";
import { API_CSP, baseSecurityHeaders, pageCsp } from "@/lib/http/security-headers";

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function proxy(request: NextRequest) {
  // Route handlers answer JSON or files: the strict API policy. Pages: scripts by nonce only.
  const isApi = request.nextUrl.pathname.startsWith("/api/");
  const csp = isApi ? API_CSP : pageCsp(nonce());

  const requestHeaders = new Headers(request.headers);
  if (!isApi) requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of baseSecurityHeaders()) response.headers.set(name, value);
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Not Next's static files: they carry the server's headers already and need no nonce. Not artifact
  // uploads either: a proxy makes Next buffer the request body and cut it at proxyClientMaxBodySize
  // (10 MB), and an upload may be gigabytes (lib/releases/artifacts.ts streams it instead).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|admin/releases/[^/]+/artifacts|api/v1/admin/releases/[^/]+/artifacts/).*)"],
};
