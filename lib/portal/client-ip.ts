// The client address for the audit log, from a server action's or route
// handler's request headers. Same rule as lib/http/next-adapter.ts: Next's
// server appends the peer address to X-Forwarded-For, so its last entry plays
// the socket's remote address and the rest is believed only per TRUST_PROXY.
import { clientIp } from "../http/client-ip";

export function clientIpFromHeaders(headers: Headers): string {
  const entries = (headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const peer = entries.pop();
  return clientIp(new Headers({ "x-forwarded-for": entries.join(",") }), peer);
}
