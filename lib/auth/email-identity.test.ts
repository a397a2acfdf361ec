/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON, checked field by field */
// Issue 11, item 1: an address identifies one customer by exact, case-insensitive
// equality everywhere (admin API, Stripe webhook, console searches, sign-in), and
// PostgreSQL keeps one account per address.
import { beforeAll, describe, expect, it } from "vitest";
import { handleAdminApi } from "../admin-api/handlers";
import { listCustomers } from "../admin/customers";
import { searchLicenses, parseLicenseSearch } from "../admin/license-search";
import { prisma } from "../db/client";
import type { ApiRequest } from "../http/types";
import { checkoutSession, deliver, event, setWebhookEnv, sql } from "../payments/webhooks/test-kit";
import { setupTestDatabase } from "../test/database";
import { createPlan } from "../test/licenses";
import { portalAdapter } from "./adapter";
import { findAccountByEmail } from "./account-by-email";
import { isAdmin } from "./roles";

setupTestDatabase();
setWebhookEnv();
process.env.ADMIN_API_TOKEN = "test-admin-token";

async function admin(method: string, path: string, body?: unknown, query = "") {
  const req: ApiRequest = {
    method,
    path: `/api/v1/admin/${path}`,
    query: new URLSearchParams(query),
    host: "portal.test",
    ip: "203.0.113.7",
    headers: { "content-type": "application/json", authorization: "Bearer test-admin-token" },
    body: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  };
  const res = await handleAdminApi(req);
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) as any };
}

let plan = "";
beforeAll(async () => {
  plan = (await createPlan({ maxMachines: 2 })).slug;
});

const ownerOf = async (licenseId: string) =>
  (await sql("SELECT u.email FROM licenses l JOIN users u ON u.id = l.user_id WHERE l.id = $1", [licenseId]))[0].email;

describe("admin API", () => {
  it("gives kim.park and kim_park their own accounts, and ?email= is exact (the issue's input)", async () => {
    const dot = await admin("POST", "licenses", { plan, email: "kim.park@example.test" });
    const underscore = await admin("POST", "licenses", { plan, email: "kim_park@example.test" });
    expect([dot.status, underscore.status]).toEqual([201, 201]);
    expect(await ownerOf(underscore.json.id)).toBe("kim_park@example.test");
    expect(await ownerOf(dot.json.id)).toBe("kim.park@example.test");

    const list = await admin("GET", "licenses", undefined, "email=kim_park@example.test");
    expect(list.json.data.map((l: any) => l.id)).toEqual([underscore.json.id]);
    expect((await admin("GET", "licenses", undefined, "email=kim%25park@example.test")).json.data).toEqual([]);
    expect((await admin("GET", "licenses", undefined, "email=KIM.PARK@Example.Test")).json.data.map((l: any) => l.id)).toEqual([dot.json.id]);
  });

  it("treats case and surrounding space as the same address: one account", async () => {
    const a = await admin("POST", "licenses", { plan, email: "Lee@Example.test" });
    const b = await admin("POST", "licenses", { plan, email: "  lee@example.TEST\n" });
    expect(await ownerOf(a.json.id)).toBe("lee@example.test");
    expect(await ownerOf(b.json.id)).toBe("lee@example.test");
    expect(await sql("SELECT count(*)::int AS n FROM users WHERE email = 'lee@example.test'")).toEqual([{ n: 1 }]);
  });

  it("keeps plus-addresses apart and stores IDN domains in one canonical form", async () => {
    const plain = await admin("POST", "licenses", { plan, email: "ana@example.test" });
    const tagged = await admin("POST", "licenses", { plan, email: "ana+work@example.test" });
    expect(await ownerOf(tagged.json.id)).toBe("ana+work@example.test");
    expect(await ownerOf(plain.json.id)).toBe("ana@example.test");
    const unicode = await admin("POST", "licenses", { plan, email: "jo@BÜCHER.example" });
    const puny = await admin("POST", "licenses", { plan, email: "jo@xn--bcher-kva.example" });
    expect(await ownerOf(unicode.json.id)).toBe("jo@bücher.example");
    expect(await ownerOf(puny.json.id)).toBe("jo@bücher.example");
  });

  it("answers 400 to several addresses (or anything that is not one) and writes nothing", async () => {
    const before = await sql("SELECT (SELECT count(*)::int FROM users) AS u, (SELECT count(*)::int FROM licenses) AS l");
    for (const email of ["a@example.test,b@example.test", "a@example.test b@example.test", "Kim <kim@example.test>", "a@example.test;b@example.test", "kim\u0000@example.test", ""]) {
      const res = await admin("POST", "licenses", { plan, email });
      expect(res.status, email).toBe(400);
      expect(res.json.error.code).toBe("BAD_REQUEST");
      expect((await admin("GET", "licenses", undefined, `email=${encodeURIComponent(email)}`)).status).toBe(email === "" ? 200 : 400);
    }
    expect(await sql("SELECT (SELECT count(*)::int FROM users) AS u, (SELECT count(*)::int FROM licenses) AS l")).toEqual(before);
  });

  it("never creates two accounts for one address under concurrent requests in different casings", async () => {
    const results = await Promise.all(
      ["Race@Example.test", "race@example.test", "RACE@EXAMPLE.TEST", " race@Example.test"].map((email) => admin("POST", "licenses", { plan, email })),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(await sql("SELECT email FROM users WHERE lower(email) = 'race@example.test'")).toEqual([{ email: "race@example.test" }]);
  });
});

describe("Stripe checkout", () => {
  it("mints kim_park's license for kim_park, not for kim.park who bought first", async () => {
    await admin("POST", "licenses", { plan, email: "sam.lo@example.test" });
    const evt = event("checkout.session.completed", checkoutSession({ plan, email: "Sam_Lo@Example.test" }));
    expect((await deliver(evt)).status).toBe(200);
    const session = (evt.data as { object: { id: string } }).object.id;
    const [row] = await sql("SELECT u.email FROM licenses l JOIN users u ON u.id = l.user_id WHERE l.stripe_checkout_session_id = $1", [session]);
    expect(row.email).toBe("sam_lo@example.test");
  });
});

describe("console searches", () => {
  it("treat %, _ and \\ literally", async () => {
    await admin("POST", "licenses", { plan, email: "percent%a@example.test" });
    await admin("POST", "licenses", { plan, email: "percentxa@example.test" });
    const emails = async (q: string) => (await searchLicenses(parseLicenseSearch({ email: q }))).items.map((l) => l.email).sort();
    expect(await emails("kim_park")).toEqual(["kim_park@example.test"]);
    expect(await emails("t%a@")).toEqual(["percent%a@example.test"]);
    expect(await emails("%")).toEqual(["percent%a@example.test"]);
    expect(await emails("\\")).toEqual([]);
    expect(await emails("kim\u0000")).toHaveLength(await sql("SELECT count(*)::int AS n FROM licenses").then((r) => r[0].n > 25 ? 25 : r[0].n));
    const customers = async (q: string) => (await listCustomers({ q, page: 1 })).items.map((c) => c.email).sort();
    expect(await customers("kim_")).toEqual(["kim_park@example.test"]);
    expect(await customers("_")).toEqual(["kim_park@example.test", "sam_lo@example.test"]);
  });
});

describe("sign-in account lookup", () => {
  it("finds the account whatever the casing, and never by pattern", async () => {
    expect((await findAccountByEmail(prisma(), "KIM_PARK@example.test"))?.email).toBe("kim_park@example.test");
    expect(await findAccountByEmail(prisma(), "kim%park@example.test")).toBeNull();
    const adapter = portalAdapter();
    expect((await adapter.getUserByEmail!(" Kim.Park@EXAMPLE.test"))?.email).toBe("kim.park@example.test");
    const created = await adapter.createUser!({ id: "", email: "OAuth.User@Example.test", emailVerified: null } as any);
    expect(created.email).toBe("oauth.user@example.test");
  });

  it("matches ADMIN_EMAILS in identity form", () => {
    process.env.ADMIN_EMAILS = " Boss@Example.test , other@example.test";
    expect(isAdmin({ email: "boss@example.test" })).toBe(true);
    expect(isAdmin({ email: "boss_@example.test" })).toBe(false);
    delete process.env.ADMIN_EMAILS;
  });
});
