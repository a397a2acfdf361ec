import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { STRIPE_API_VERSION, stripe, usingStripeEmulator, webhookSecret } from "./stripe-client";

const ENV = ["STRIPE_SECRET_KEY", "STRIPE_API_HOST", "STRIPE_API_PORT", "STRIPE_API_PROTOCOL", "STRIPE_WEBHOOK_SECRET"];
const savedEnv = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

function resetEnv() {
  for (const name of ENV) delete process.env[name];
}

// Stands in for api.stripe.com: records what the SDK sends and answers with a price.
const seen: { path?: string; authorization?: string; version?: string }[] = [];
const fakeApi = http.createServer((req, res) => {
  seen.push({ path: req.url, authorization: req.headers.authorization, version: req.headers["stripe-version"]?.toString() });
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ id: "price_123", object: "price", unit_amount: 500 }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => fakeApi.listen(0, "127.0.0.1", resolve));
});
afterEach(resetEnv);
afterAll(async () => {
  await new Promise<void>((resolve) => fakeApi.close(() => resolve()));
  for (const name of ENV) {
    if (savedEnv[name] !== undefined) process.env[name] = savedEnv[name];
  }
});

describe("stripe()", () => {
  it("pins the API version the installed SDK declares as its default", () => {
    expect(STRIPE_API_VERSION).toBe(Stripe.API_VERSION);
  });

  it("refuses to run without STRIPE_SECRET_KEY", () => {
    resetEnv();
    expect(() => stripe()).toThrow("STRIPE_SECRET_KEY is not set");
  });

  it("is one instance per configuration", () => {
    process.env.STRIPE_SECRET_KEY = "sk_test_one";
    const first = stripe();
    expect(stripe()).toBe(first);
    process.env.STRIPE_SECRET_KEY = "sk_test_two";
    expect(stripe()).not.toBe(first);
  });

  it("talks to the host, port and protocol from the environment, with the pinned version", async () => {
    process.env.STRIPE_SECRET_KEY = "sk_test_emulator";
    process.env.STRIPE_API_HOST = "127.0.0.1";
    process.env.STRIPE_API_PORT = String((fakeApi.address() as AddressInfo).port);
    const price = await stripe().prices.retrieve("price_123");
    expect(price.unit_amount).toBe(500);
    expect(seen.at(-1)).toEqual({
      path: "/v1/prices/price_123",
      authorization: "Bearer sk_test_emulator",
      version: STRIPE_API_VERSION,
    });
    expect(usingStripeEmulator()).toBe(true);
  });

  it("uses api.stripe.com when no emulator host is set", () => {
    process.env.STRIPE_SECRET_KEY = "sk_test_real";
    expect(usingStripeEmulator()).toBe(false);
    expect(stripe()).toBeInstanceOf(Stripe);
  });

  it("rejects an unknown STRIPE_API_PROTOCOL", () => {
    process.env.STRIPE_SECRET_KEY = "sk_test_x";
    process.env.STRIPE_API_HOST = "127.0.0.1";
    process.env.STRIPE_API_PROTOCOL = "ftp";
    expect(() => stripe()).toThrow('STRIPE_API_PROTOCOL must be "http" or "https"');
  });
});

describe("webhookSecret()", () => {
  it("returns STRIPE_WEBHOOK_SECRET and names the variable when it is missing", () => {
    expect(() => webhookSecret()).toThrow("STRIPE_WEBHOOK_SECRET is not set");
    process.env.STRIPE_WEBHOOK_SECRET = "whsec_abc";
    expect(webhookSecret()).toBe("whsec_abc");
  });
});
