import { afterEach, describe, expect, it, vi } from "vitest";
import type { IncomingHttpHeaders } from "node:http";
import { appendPeerAddress, clientIp } from "./client-ip";
import { clientIpFromHeaders } from "./next-adapter";

afterEach(() => vi.unstubAllEnvs());

describe("clientIp", () => {
  it("uses the socket address and ignores X-Forwarded-For unless TRUST_PROXY is set", () => {
    vi.stubEnv("TRUST_PROXY", "");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6" }, "203.0.113.7")).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-forwarded-for": "6.6.6.6" }), "203.0.113.7")).toBe("203.0.113.7");
    vi.stubEnv("TRUST_PROXY", "0");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6" }, "203.0.113.7")).toBe("203.0.113.7");
  });

  it("strips the IPv4-mapped prefix, keeping real IPv6 addresses", () => {
    expect(clientIp({}, "::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(clientIp({}, "::FFFF:192.0.2.1")).toBe("192.0.2.1");
    expect(clientIp({}, "2001:db8::1")).toBe("2001:db8::1");
    expect(clientIp({}, "::ffff:0:1")).toBe("::ffff:0:1");
  });

  it("answers 'unknown' without any address", () => {
    expect(clientIp({}, undefined)).toBe("unknown");
  });

  describe("behind TRUST_PROXY=1", () => {
    it("uses X-Forwarded-For, from Node headers or Web Headers", () => {
      vi.stubEnv("TRUST_PROXY", "1");
      expect(clientIp({ "x-forwarded-for": "198.51.100.4" }, "10.0.0.2")).toBe("198.51.100.4");
      expect(clientIp(new Headers({ "X-Forwarded-For": " ::ffff:198.51.100.4 " }), "10.0.0.2")).toBe("198.51.100.4");
    });

    it("takes the address the proxy appended, not one the client sent ahead of it", () => {
      vi.stubEnv("TRUST_PROXY", "1");
      expect(clientIp({ "x-forwarded-for": "6.6.6.6, 198.51.100.4" }, "10.0.0.2")).toBe("198.51.100.4");
      expect(clientIp({ "x-forwarded-for": ["6.6.6.6", "198.51.100.4"] }, "10.0.0.2")).toBe("198.51.100.4");
    });

    it("falls back to the socket address when the header is missing or empty", () => {
      vi.stubEnv("TRUST_PROXY", "1");
      expect(clientIp({}, "10.0.0.2")).toBe("10.0.0.2");
      expect(clientIp({ "x-forwarded-for": " , " }, "10.0.0.2")).toBe("10.0.0.2");
    });
  });

  it("counts hops from the right with TRUST_PROXY=2 (a CDN in front of a load balancer)", () => {
    vi.stubEnv("TRUST_PROXY", "2");
    expect(clientIp({ "x-forwarded-for": "6.6.6.6, 198.51.100.4, 172.16.0.9" }, "10.0.0.2")).toBe("198.51.100.4");
    expect(clientIp({ "x-forwarded-for": "198.51.100.4" }, "10.0.0.2")).toBe("198.51.100.4");
  });
});

describe("requests handed to Next (appendPeerAddress, then clientIpFromHeaders)", () => {
  const seenByNext = (headers: IncomingHttpHeaders, socketAddress: string | undefined) => {
    appendPeerAddress(headers, socketAddress);
    return new Headers(headers as Record<string, string>);
  };

  it("counts a client that sends its own X-Forwarded-For at its socket address", () => {
    vi.stubEnv("TRUST_PROXY", "");
    expect(clientIpFromHeaders(seenByNext({ "x-forwarded-for": "6.6.6.6" }, "198.51.100.4"))).toBe("198.51.100.4");
    expect(clientIpFromHeaders(seenByNext({}, "::ffff:198.51.100.5"))).toBe("198.51.100.5");
    expect(clientIpFromHeaders(seenByNext({ "x-forwarded-for": ["1.1.1.1", "2.2.2.2"] }, "198.51.100.6"))).toBe("198.51.100.6");
  });

  it("behind TRUST_PROXY=1, takes the address our proxy appended", () => {
    vi.stubEnv("TRUST_PROXY", "1");
    expect(clientIpFromHeaders(seenByNext({ "x-forwarded-for": "6.6.6.6, 203.0.113.7" }, "10.0.0.2"))).toBe("203.0.113.7");
  });
});
