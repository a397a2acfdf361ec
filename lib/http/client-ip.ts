// The client address that per-IP rate limits count against.
//
// X-Forwarded-For is written by whoever sends the request, so it is believed
// only when TRUST_PROXY says how many proxies of ours stand in front of the app
// (normally 1). Without that, a client could send a different made-up address
// with every request and never exhaust its per-IP budget. Even behind a proxy
// the leftmost entry is the client's own claim, because proxies append to the
// header they receive; the address our outermost proxy saw is the TRUST_PROXY-th
// entry from the right.
import type { IncomingHttpHeaders } from "node:http";

export function clientIp(headers: Headers | IncomingHttpHeaders, remoteAddress: string | undefined): string {
  const hops = Number(process.env.TRUST_PROXY);
  // Checked first so the header is not even parsed when it is not to be believed.
  if (Number.isInteger(hops) && hops > 0) {
    const raw = headers instanceof Headers ? headers.get("x-forwarded-for") : headers["x-forwarded-for"];
    // Node joins repeated headers with ", ", as Headers.get does, except when given an array.
    const entries = (Array.isArray(raw) ? raw.join(",") : (raw ?? "")).split(",").map((s) => s.trim());
    const forwarded = entries[Math.max(0, entries.length - hops)];
    if (forwarded) return stripMappedPrefix(forwarded);
  }
  return remoteAddress ? stripMappedPrefix(remoteAddress) : "unknown";
}

// A dual-stack socket reports IPv4 clients as ::ffff:1.2.3.4; count them as 1.2.3.4.
function stripMappedPrefix(ip: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
}

/**
 * Next fills in X-Forwarded-For only when a request has none, so the header a
 * page or route handler sees could be entirely the client's. The portal's server
 * appends the socket's address before Next sees the request (lib/server/
 * http-server.ts): the last entry is then always the peer, as
 * clientIpFromHeaders (lib/http/next-adapter.ts) reads it.
 */
export function appendPeerAddress(headers: IncomingHttpHeaders, remoteAddress: string | undefined): void {
  const peer = remoteAddress ?? "unknown";
  const prior = headers["x-forwarded-for"];
  const list = Array.isArray(prior) ? prior.join(", ") : prior;
  headers["x-forwarded-for"] = list ? `${list}, ${peer}` : peer;
}
