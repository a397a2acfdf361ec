import { afterEach, describe, expect, it, vi } from "vitest";
import { clientIp } from "./client-ip";

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
