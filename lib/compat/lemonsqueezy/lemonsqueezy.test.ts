// The Lemon Squeezy-compatible License API, driven by Lemon Squeezy's official SDK
// (@lemonsqueezy/lemonsqueezy.js) over real HTTP: the SDK always calls
// https://api.lemonsqueezy.com, so the test routes its fetch to a portal server
// started here. Answers are compared field by field with the examples of Lemon
// Squeezy's documentation (docs.lemonsqueezy.com/api/license-api).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { activateLicense, deactivateLicense, validateLicense } from "@lemonsqueezy/lemonsqueezy.js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "../../db/client";
import { issueLicense } from "../../licensing/issue";
import { handleFastRoute } from "../../server/fast-routes";
import { setupTestDatabase } from "../../test/database";
import { createPlan, type PlanInput } from "../../test/licenses";

process.env.RATE_LIMIT_PER_MINUTE = "0";
setupTestDatabase();

let server: http.Server;
let base: string;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    void handleFastRoute(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The SDK's only way out is the global fetch: send Lemon Squeezy's host to the portal.
  vi.stubGlobal("fetch", (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    return realFetch(url.replace("https://api.lemonsqueezy.com", base), init);
  });
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await new Promise((resolve) => server.close(resolve));
});

/** A license with a key of Lemon Squeezy's format (a lower-case UUID), as an import brings it. */
async function foreignLicense(input: PlanInput & { status?: "SUSPENDED" | "REVOKED"; expiresAt?: Date | null; name?: string } = {}) {
  const plan = await createPlan(input);
  const key = crypto.randomUUID();
  const email = `buyer-${key.slice(0, 8)}@example.com`;
  const user = await prisma().user.create({ data: { email, name: input.name ?? null } });
  const { license } = await prisma().$transaction((tx) =>
    issueLicense(tx, { plan, userId: user.id, key, expiresAt: input.expiresAt, status: input.status, createdAt: new Date("2021-01-24T14:15:07Z") }),
  );
  return { key, license, plan, user };
}

async function post(path: string, body: string | FormData, headers: Record<string, string> = {}) {
  const res = await realFetch(`${base}${path}`, { method: "POST", headers: { Accept: "application/json", ...headers }, body });
  return { status: res.status, json: await res.json() };
}

// The documented examples' fields, in their order (the activate example of
// docs.lemonsqueezy.com/api/license-api/activate-license-key; `test_mode` as the SDK's types add it).
const LICENSE_KEY_FIELDS = ["id", "status", "key", "activation_limit", "activation_usage", "created_at", "expires_at", "test_mode"];
const INSTANCE_FIELDS = ["id", "name", "created_at"];
const META_FIELDS = ["store_id", "order_id", "order_item_id", "product_id", "product_name", "variant_id", "variant_name", "customer_id", "customer_name", "customer_email"];
const LS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe("the official SDK against the portal", () => {
  it("activates, validates and deactivates an imported key of a foreign format", async () => {
    const { key, license, plan, user } = await foreignLicense({ maxMachines: 2, name: "John Doe" });

    const activated = await activateLicense(key, "Test");
    expect(activated.error).toBeNull();
    expect(activated.statusCode).toBe(200);
    const a = activated.data!;
    expect(Object.keys(a)).toEqual(["activated", "error", "license_key", "instance", "meta"]);
    expect(Object.keys(a.license_key)).toEqual(LICENSE_KEY_FIELDS);
    expect(Object.keys(a.instance!)).toEqual(INSTANCE_FIELDS);
    expect(Object.keys(a.meta)).toEqual(META_FIELDS);
    const number = (await prisma().license.findUniqueOrThrow({ where: { id: license.id } })).number;
    expect(a).toEqual({
      activated: true,
      error: null,
      license_key: {
        id: number,
        status: "active",
        key,
        activation_limit: 2,
        activation_usage: 1,
        created_at: "2021-01-24T14:15:07.000000Z",
        expires_at: null,
        test_mode: false,
      },
      instance: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: "Test", created_at: expect.stringMatching(LS_TIME) },
      meta: {
        store_id: 1,
        order_id: number,
        order_item_id: number,
        product_id: plan.product.number,
        product_name: plan.product.name,
        variant_id: plan.number,
        variant_name: plan.name,
        customer_id: user.number,
        customer_name: "John Doe",
        customer_email: user.email,
      },
    });
    const instanceId = a.instance!.id;
    // The instance is a machine of the license, named as the application named it.
    const machines = await prisma().machine.findMany({ where: { licenseId: license.id } });
    expect(machines.map((m) => [m.fingerprint, m.name])).toEqual([[instanceId, "Test"]]);

    const validated = await validateLicense(key, instanceId);
    expect(validated.statusCode).toBe(200);
    expect(validated.data).toEqual({ ...a, activated: undefined, valid: true });
    expect(Object.keys(validated.data!)).toEqual(["valid", "error", "license_key", "instance", "meta"]);

    // Without an instance: the key alone, and "instance": null.
    const keyOnly = await validateLicense(key.toUpperCase());
    expect(keyOnly.data).toMatchObject({ valid: true, error: null, instance: null, license_key: { key, status: "active" } });

    const deactivated = await deactivateLicense(key, instanceId);
    expect(deactivated.statusCode).toBe(200);
    expect(Object.keys(deactivated.data!)).toEqual(["deactivated", "error", "license_key", "meta"]);
    expect(deactivated.data).toMatchObject({ deactivated: true, error: null, license_key: { status: "inactive", activation_usage: 0 } });

    // The instance is gone: validating or deactivating it again is a 404.
    const gone = await validateLicense(key, instanceId);
    expect(gone.statusCode).toBe(404);
    expect(gone.data).toMatchObject({ valid: false, error: "license_key instance not found.", instance: null, license_key: { status: "inactive" } });
    const again = await deactivateLicense(key, instanceId);
    expect(again.statusCode).toBe(404);
    expect(again.data).toMatchObject({ deactivated: false, error: "license_key instance not found." });
  });

  it("refuses a key it does not know with 404 and Lemon Squeezy's message", async () => {
    for (const [run, flag] of [
      [() => activateLicense("38b1460a-5104-4067-a91d-77b872934d51", "Test"), "activated"],
      [() => validateLicense("38b1460a-5104-4067-a91d-77b872934d51"), "valid"],
      [() => deactivateLicense("38b1460a-5104-4067-a91d-77b872934d51", "f90ec370-fd83-46a5-8bbd-44a241e78665"), "deactivated"],
    ] as const) {
      const res = await run();
      expect(res.statusCode).toBe(404);
      expect(res.data).toEqual({ [flag]: false, error: "license_key not found." });
    }
  });

  it("stops at the activation limit with 400", async () => {
    const { key } = await foreignLicense({ maxMachines: 1 });
    expect((await activateLicense(key, "first")).statusCode).toBe(200);
    const second = await activateLicense(key, "second");
    expect(second.statusCode).toBe(400);
    expect(second.data).toMatchObject({
      activated: false,
      error: "This license key has reached the activation limit.",
      license_key: { status: "active", activation_limit: 1, activation_usage: 1 },
      instance: null,
    });
  });

  it("answers `disabled` for suspended and revoked licenses and `expired` past the expiry", async () => {
    for (const status of ["SUSPENDED", "REVOKED"] as const) {
      const { key } = await foreignLicense({ status });
      const validated = await validateLicense(key);
      expect(validated.statusCode).toBe(400);
      expect(validated.data).toMatchObject({ valid: false, error: "This license key is disabled.", license_key: { status: "disabled" } });
      const activated = await activateLicense(key, "x");
      expect(activated.statusCode).toBe(400);
      expect(activated.data).toMatchObject({ activated: false, error: "This license key is disabled." });
    }
    const { key } = await foreignLicense({ expiresAt: new Date(Date.now() - 1000) });
    const expired = await validateLicense(key);
    expect(expired.statusCode).toBe(400);
    expect(expired.data).toMatchObject({ valid: false, error: "This license key has expired.", license_key: { status: "expired", expires_at: expect.stringMatching(LS_TIME) } });
  });

  it("answers the product's and plan's Lemon Squeezy ids in meta once they are set", async () => {
    const { key, plan } = await foreignLicense();
    await prisma().product.update({ where: { id: plan.productId }, data: { lemonSqueezyStoreId: 4321, lemonSqueezyProductId: 98765 } });
    await prisma().plan.update({ where: { id: plan.id }, data: { lemonSqueezyVariantId: 55555 } });
    const res = await validateLicense(key);
    expect(res.data!.meta).toMatchObject({ store_id: 4321, product_id: 98765, variant_id: 55555 });
  });
});

describe("request bodies", () => {
  it("takes form-encoded bodies, as Lemon Squeezy documents", async () => {
    const { key } = await foreignLicense();
    const res = await post("/v1/licenses/activate", new URLSearchParams({ license_key: key, instance_name: "Form" }).toString(), {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ activated: true, instance: { name: "Form" } });
    const validated = await post("/v1/licenses/validate", `license_key=${encodeURIComponent(key)}&instance_id=${res.json.instance.id}`, {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(validated.json).toMatchObject({ valid: true, instance: { id: res.json.instance.id } });
  });

  it("takes multipart form data, plain JSON and JSON:API documents", async () => {
    const { key } = await foreignLicense({ maxMachines: 5 });
    const form = new FormData();
    form.set("license_key", key);
    form.set("instance_name", "Multipart");
    expect((await post("/v1/licenses/activate", form)).json).toMatchObject({ activated: true, instance: { name: "Multipart" } });
    const json = await post("/v1/licenses/activate", JSON.stringify({ license_key: key, instance_name: "Json" }), { "Content-Type": "application/json" });
    expect(json.json).toMatchObject({ activated: true, instance: { name: "Json" } });
    const jsonApi = await post("/v1/licenses/activate", JSON.stringify({ data: { attributes: { license_key: key, instance_name: "JsonApi" } } }), {
      "Content-Type": "application/vnd.api+json",
    });
    expect(jsonApi.json).toMatchObject({ activated: true, instance: { name: "JsonApi" } });
  });

  it("answers 422 for a missing or invalid field and 400 for an unreadable body", async () => {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    expect(await post("/v1/licenses/activate", "instance_name=x", form)).toEqual({
      status: 422,
      json: { activated: false, error: "The license key field is required." },
    });
    expect(await post("/v1/licenses/activate", "license_key=abcdefgh", form)).toEqual({
      status: 422,
      json: { activated: false, error: "The instance name field is required." },
    });
    expect(await post("/v1/licenses/deactivate", "license_key=abcdefgh", form)).toEqual({
      status: 422,
      json: { deactivated: false, error: "The instance id field is required." },
    });
    expect((await post("/v1/licenses/validate", JSON.stringify({ license_key: { a: 1 } }), { "Content-Type": "application/json" })).status).toBe(422);
    expect((await post("/v1/licenses/validate", JSON.stringify({ license_key: "a\u0000b" }), { "Content-Type": "application/json" })).status).toBe(422);
    expect(await post("/v1/licenses/validate", "{not json", { "Content-Type": "application/json" })).toEqual({
      status: 400,
      json: { valid: false, error: "The request body is not valid JSON." },
    });
  });

  it("answers 404 for an unknown action and 405 for another method", async () => {
    expect((await post("/v1/licenses/renew", "license_key=x")).status).toBe(404);
    const res = await realFetch(`${base}/v1/licenses/validate`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});
