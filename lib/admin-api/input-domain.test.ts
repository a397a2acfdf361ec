/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are JSON, checked field by field */
// Issue 11's "Also" classes on the admin API and the license API, through the real
// handlers (handleAdminApi, handleLicenseApi) on a real database: huge numbers,
// negative and zero durations, time zones, emails with plus signs and IDN domains,
// and concurrent edits of one license. Each is a fast-check property: whatever
// the input, the answer is a 2xx that stored exactly what was sent or a 400 that
// says which field and stored nothing; never a 5xx.
import { randomBytes } from "node:crypto";
import { domainToASCII } from "node:url";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { INSTANT_MAX_MS, INSTANT_MIN_MS } from "../http/input";
import type { ApiRequest } from "../http/types";
import { call as clientCall } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { handleAdminApi } from "./handlers";

setupTestDatabase();
const TOKEN = "input-domain-token";
process.env.ADMIN_API_TOKEN = TOKEN;
process.env.RATE_LIMIT_PER_MINUTE = "0";

type Result = { status: number; json: any };

/** An admin API call; `raw` is sent as the body exactly (for JSON number literals JavaScript cannot write). */
async function admin(method: string, path: string, body?: unknown, options: { raw?: string; query?: string } = {}): Promise<Result> {
  const req: ApiRequest = {
    method,
    path: `/api/v1/admin/${path}`,
    query: new URLSearchParams(options.query ?? ""),
    host: "portal.test",
    ip: "203.0.113.9",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: Buffer.from(options.raw ?? (body === undefined ? "" : JSON.stringify(body))),
  };
  const res = await handleAdminApi(req);
  return { status: res.status, json: JSON.parse(res.body.toString("utf8")) };
}

async function sql<T = any>(text: string, values: unknown[] = []): Promise<T[]> {
  return (await db().query(text, values)).rows as T[];
}

/** Every table an admin write can touch, hashed, so a refused request is seen to change nothing. */
async function fingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ["users", "products", "plans", "licenses", "machines", "audit_logs", "webhook_events", "releases"]) {
    out[table] = (await sql(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${table} t`))[0].h;
  }
  return out;
}

const unique = () => randomBytes(5).toString("hex");
const PRODUCT = "domain-tools";
const PLAN = "domain-solo";
const FLOATING = "domain-float";

beforeAll(async () => {
  expect((await admin("POST", "products", { slug: PRODUCT, name: "Domain tools" })).status).toBe(201);
  expect((await admin("POST", "plans", { product: PRODUCT, slug: PLAN, name: "Solo", maxMachines: 3, durationDays: 365 })).status).toBe(201);
  expect((await admin("POST", "plans", { product: PRODUCT, slug: FLOATING, name: "Float", maxMachines: 2, floating: true, heartbeatSeconds: 60 })).status).toBe(201);
});

async function newLicense(extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const res = await admin("POST", "licenses", { plan: PLAN, email: `owner-${unique()}@example.test`, ...extra });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return { id: res.json.id, key: res.json.key };
}

/** A 400 as API.md writes it: BAD_REQUEST with a message, naming the field among its issues. */
function expectRefused(res: Result, field: string, context: string) {
  expect(res.status, `${context} → ${JSON.stringify(res.json)}`).toBe(400);
  expect(res.json.error.code).toBe("BAD_REQUEST");
  expect(res.json.error.message).toEqual(expect.any(String));
  const paths = (res.json.error.issues ?? []).map((i: { path: unknown }) => String(i.path));
  expect(paths.some((p: string) => p === field || p.startsWith(`${field}.`) || p.endsWith(`.${field}`)), `${context}: issues ${JSON.stringify(res.json.error.issues)}`).toBe(true);
}

// ---------------------------------------------------------------- huge numbers

/** Number literals as a client could write them: past int4, past 2^53, past int8, past float64, fractions, exponents. */
const NUMBER_LITERALS = [
  "2147483647", "2147483648", "4294967296", "9007199254740991", "9007199254740992", "9007199254740993",
  "9223372036854775807", "9223372036854775808", "18446744073709551616", "123456789012345678901234567890",
  "1e21", "1e308", "1e400", "-1e400", "1.7976931348623157e308", "-2147483649", "-9007199254740993", "-0", "0", "-1",
  "0.5", "1.0", "1e2", "1E1", "10.000000000000001", "5e-324", "2.5e9",
];
const numberLiteral = fc.oneof(
  fc.constantFrom(...NUMBER_LITERALS),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
);

/** Each numeric body field of the admin API, with a body around it; `field` is where the literal goes. */
type NumericCase = { name: string; method: string; path: (id: string) => string; body: () => Record<string, unknown>; field: string; column?: (id: string) => Promise<unknown> };
const numericCases: NumericCase[] = [
  { name: "POST licenses maxMachines", method: "POST", path: () => "licenses", body: () => ({ plan: PLAN, email: `n-${unique()}@example.test` }), field: "maxMachines" },
  { name: "PATCH license maxMachines", method: "PATCH", path: (id) => `licenses/${id}`, body: () => ({}), field: "maxMachines" },
  ...["maxMachines", "durationDays", "heartbeatSeconds", "offlineGraceDays", "trialDays", "priceCents", "sortOrder", "lemonSqueezyVariantId"].map((field) => ({
    name: `POST plans ${field}`,
    method: "POST",
    path: () => "plans",
    body: () => ({ product: PRODUCT, slug: `p-${unique()}`, name: "Numbers", maxMachines: 1 }),
    field,
  })),
  ...["lemonSqueezyStoreId", "lemonSqueezyProductId"].map((field) => ({
    name: `POST products ${field}`,
    method: "POST",
    path: () => "products",
    body: () => ({ slug: `pr-${unique()}`, name: "Numbers" }),
    field,
  })),
];

describe("huge numbers", () => {
  it("answers every numeric field with 400 naming it, or 2xx storing exactly the number sent; never a 5xx", async () => {
    const { id } = await newLicense();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...numericCases), numberLiteral, async (c, literal) => {
        const body = { ...c.body(), [c.field]: "__N__" };
        const raw = JSON.stringify(body).replace('"__N__"', literal);
        const before = await fingerprint();
        const res = await admin(c.method, c.path(id), undefined, { raw });
        const context = `${c.name} = ${literal}`;
        expect(res.status, `${context} → ${JSON.stringify(res.json)}`).toBeLessThan(500);
        if (res.status === 400) {
          expectRefused(res, c.field, context);
          expect(await fingerprint(), context).toEqual(before);
          return;
        }
        expect([200, 201], context).toContain(res.status);
        // Accepted: the number is an integer JSON.parse reads exactly, and it is what was stored.
        const value = JSON.parse(literal) as number;
        expect(Number.isSafeInteger(value), context).toBe(true);
        const table = c.path(id).startsWith("licenses") ? "licenses" : c.path(id) === "plans" ? "plans" : "products";
        const column = c.field.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
        const rowId = res.json.id ?? res.json.license?.id ?? id;
        const [row] = await sql(`SELECT ${column}::text AS v FROM ${table} WHERE id = $1`, [rowId]);
        expect(row.v, context).toBe(String(value));
      }),
      { numRuns: 120 },
    );
  });

  it("reads query numbers (limit, offset) past every bound as 400 or a page; never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("limit", "offset"), numberLiteral, async (name, literal) => {
        const res = await admin("GET", "licenses", undefined, { query: `${name}=${encodeURIComponent(literal)}` });
        if (res.status === 400) expectRefused(res, name, `${name}=${literal}`);
        else expect(res.status, `${name}=${literal}`).toBe(200);
      }),
      { numRuns: 60 },
    );
  });
});

describe("whole numbers and repeated names in query strings", () => {
  it("refuses limit/offset spelled other than in decimal digits (0x10, ' 2', 2e0, +2, 2.0, full-width) with 400, on every list", async () => {
    const spelled = fc.constantFrom("0x10", "0X10", "0b11", "0o7", " 2", "2 ", "+2", "2e0", "1E1", "2.0", "２", "1_0", "Infinity");
    const lists = fc.constantFrom("licenses", "customers");
    await fc.assert(
      fc.asyncProperty(lists, fc.constantFrom("limit", "offset"), spelled, async (list, name, value) => {
        const res = await admin("GET", list, undefined, { query: `${name}=${encodeURIComponent(value)}` });
        expectRefused(res, name, `${list}?${name}=${value}`);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses a query parameter given twice (two addresses in ?email=, two page sizes) with 400 naming it", async () => {
    for (const [list, query, name] of [
      ["licenses", "email=kim.park%40example.test&email=kim_park%40example.test", "email"],
      ["licenses", "limit=1&limit=500", "limit"],
      ["customers", "email=a%40example.test&email=a%40example.test", "email"],
      ["plans", "product=a&product=b", "product"],
    ] as const) {
      expectRefused(await admin("GET", list, undefined, { query }), name, `${list}?${query}`);
    }
    expect((await admin("GET", "licenses", undefined, { query: "limit=&limit=5" })).status).toBe(200);
  });

  it("reads a webhook endpoint's deliveries' limit and offset in decimal digits only (z.coerce took 0x10 as 16)", async () => {
    const created = await admin("POST", "webhook-endpoints", { url: "https://hooks.example.test/in" });
    expect(created.status).toBe(201);
    const path = `webhook-endpoints/${created.json.id}/deliveries`;
    for (const [name, value] of [["limit", "0x10"], ["limit", " 2"], ["limit", "2e0"], ["offset", "1e3"], ["offset", "+1"]] as const) {
      expectRefused(await admin("GET", path, undefined, { query: `${name}=${encodeURIComponent(value)}` }), name, `${name}=${value}`);
    }
    expect((await admin("GET", path, undefined, { query: "limit=16&offset=0" })).status).toBe(200);
  });
});

// ---------------------------------------------------------------- negative and zero durations

describe("negative and zero durations", () => {
  it.each([
    ["durationDays", [0, -1, -365], [1, 36_500]],
    ["trialDays", [0, -1, -30], [1, 365]],
    ["heartbeatSeconds", [0, -1, -600, 9], [10, 31_536_000]],
    ["offlineGraceDays", [-1, -7], [0, 365]],
  ] as const)("refuses a plan's %s below its bound with 400 and nothing stored; accepts the bounds", async (field, bad, good) => {
    for (const value of bad) {
      const before = await fingerprint();
      const res = await admin("POST", "plans", { product: PRODUCT, slug: `d-${unique()}`, name: "Durations", maxMachines: 1, [field]: value });
      expectRefused(res, field, `${field} = ${value}`);
      expect(await fingerprint()).toEqual(before);
    }
    for (const value of good) {
      const res = await admin("POST", "plans", { product: PRODUCT, slug: `d-${unique()}`, name: "Durations", maxMachines: 1, [field]: value });
      expect(res.status, `${field} = ${value}: ${JSON.stringify(res.json)}`).toBe(201);
    }
  });

  it("moves a license's expiry into the past when asked (an admin expiring it), and it then validates EXPIRED", async () => {
    const { id, key } = await newLicense();
    const res = await admin("PATCH", `licenses/${id}`, { expiresAt: "2001-01-01T00:00:00Z" });
    expect(res.status).toBe(200);
    expect(res.json.license.status).toBe("EXPIRED");
    expect((await clientCall("/api/v1/licenses/validate", { key })).json).toMatchObject({ valid: false, code: "EXPIRED" });
  });
});

// ---------------------------------------------------------------- time zones

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** `ms` written as local time at `offsetMinutes` east of UTC, with that offset (`Z` for 0 when `z`). */
function withOffset(ms: number, offsetMinutes: number, z = false): string | null {
  const local = new Date(ms + offsetMinutes * 60_000);
  const year = local.getUTCFullYear();
  if (year < 0 || year > 9999) return null; // not writable as RFC 3339's four digits
  const zone = offsetMinutes === 0 && z ? "Z" : `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${pad(year, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${zone}`;
}

describe("time zones", () => {
  it("stores the issue's instant written at +14:00, -12:00 and Z as one and the same instant", async () => {
    const written = ["2030-06-01T09:30:00+14:00", "2030-05-31T07:30:00-12:00", "2030-05-31T19:30:00Z", "2030-05-31t19:30:00z", "2030-06-01T01:00:00+05:30"];
    const stored = new Set<string>();
    for (const expiresAt of written) {
      const { id } = await newLicense({ expiresAt });
      const [row] = await sql("SELECT to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS') AS v FROM licenses WHERE id = $1", [id]);
      stored.add(row.v);
      expect((await admin("GET", `licenses/${id}`)).json.license.expiresAt).toBe("2030-05-31T19:30:00.000Z");
    }
    expect([...stored]).toEqual(["2030-05-31T19:30:00.000"]);
  });

  it("refuses local times without an offset and date-only values with 400 (API.md: an instant with an offset), storing nothing", async () => {
    const { id } = await newLicense();
    for (const value of ["2030-05-31T19:30:00", "2030-05-31 19:30:00Z", "2030-05-31", "2030-05-31T19:30Z", "2030-05-31T19:30:00+1400", "2030-05-31T19:30:00+24:00", "2030-05-31T19:30:00 +02:00"]) {
      const before = await fingerprint();
      expectRefused(await admin("PATCH", `licenses/${id}`, { expiresAt: value }), "expiresAt", value);
      expectRefused(await admin("POST", "licenses", { plan: PLAN, email: `tz-${unique()}@example.test`, expiresAt: value }), "expiresAt", value);
      expect(await fingerprint()).toEqual(before);
    }
  });

  it("reads any in-range instant written at any offset as that instant, in PATCH, POST and the import alike", async () => {
    const { id } = await newLicense();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: INSTANT_MIN_MS, max: INSTANT_MAX_MS }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        fc.constantFrom("patch", "post", "import"),
        async (ms, offset, via) => {
          const text = withOffset(ms, offset, true);
          fc.pre(text !== null);
          const expected = new Date(ms).toISOString();
          let licenseId = id;
          if (via === "patch") {
            const res = await admin("PATCH", `licenses/${id}`, { expiresAt: text });
            expect(res.status, `${text}: ${JSON.stringify(res.json)}`).toBe(200);
          } else if (via === "post") {
            const res = await admin("POST", "licenses", { plan: PLAN, email: `tz-${unique()}@example.test`, expiresAt: text });
            expect(res.status, `${text}: ${JSON.stringify(res.json)}`).toBe(201);
            licenseId = res.json.id;
          } else {
            const email = `tz-${unique()}@example.test`;
            const res = await admin("POST", "licenses/import", { licenses: [{ plan: PLAN, email, key: `TZ-IMPORT-${unique()}`, expiresAt: text, createdAt: text }] });
            expect(res.json, text!).toMatchObject({ created: 1, errors: [] });
            licenseId = (await sql("SELECT l.id FROM licenses l JOIN users u ON u.id = l.user_id WHERE u.email = $1", [email]))[0].id;
          }
          const [row] = await sql("SELECT (extract(epoch FROM expires_at) * 1000)::bigint::text AS ms FROM licenses WHERE id = $1", [licenseId]);
          expect(row.ms, text!).toBe(String(ms));
          expect((await admin("GET", `licenses/${licenseId}`)).json.license.expiresAt, text!).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses an instant whose local time is in range but whose UTC value is not", async () => {
    const { id } = await newLicense();
    for (const value of ["9999-12-31T23:59:59-00:01", "0001-01-01T00:00:00+00:01", "9999-12-31T20:00:00-14:00"]) {
      expectRefused(await admin("PATCH", `licenses/${id}`, { expiresAt: value }), "expiresAt", value);
    }
    expect((await admin("PATCH", `licenses/${id}`, { expiresAt: "9999-12-31T23:59:59+00:01" })).status).toBe(200);
  });
});

// ---------------------------------------------------------------- emails: plus signs and IDN domains

/** The customers (id, email) holding the licenses listed for `?email=`. */
async function listedOwners(address: string): Promise<Result> {
  return admin("GET", "licenses", undefined, { query: new URLSearchParams({ email: address }).toString() });
}

describe("email addresses", () => {
  it("keeps a plus-tagged address its own customer, found by exact equality and never by its untagged twin", async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.stringMatching(/^[a-z0-9+_-]{1,4}(\.[a-z0-9+_-]{1,4})?$/), fc.boolean(), async (local, tag, upper) => {
        const base = `${local}.${unique()}`;
        const plain = `${base}@example.test`;
        const tagged = `${base}+${tag}@example.test`;
        const a = await admin("POST", "licenses", { plan: PLAN, email: plain });
        const b = await admin("POST", "licenses", { plan: PLAN, email: upper ? tagged.toUpperCase() : tagged });
        expect([a.status, b.status], JSON.stringify([a.json, b.json])).toEqual([201, 201]);
        const owners = await sql("SELECT u.email FROM licenses l JOIN users u ON u.id = l.user_id WHERE l.id = ANY($1::uuid[]) ORDER BY u.email", [[a.json.id, b.json.id]]);
        expect(owners.map((o) => o.email)).toEqual([plain, tagged].sort());
        expect((await listedOwners(tagged)).json.data.map((l: { id: string }) => l.id)).toEqual([b.json.id]);
        expect((await listedOwners(plain)).json.data.map((l: { id: string }) => l.id)).toEqual([a.json.id]);
      }),
      { numRuns: 15 },
    );
  });

  it("reads an unencoded + in ?email= (a space once decoded) as a 400, never as another customer's licenses", async () => {
    const local = `plus.${unique()}`;
    await admin("POST", "licenses", { plan: PLAN, email: `${local}+news@example.test` });
    const res = await admin("GET", "licenses", undefined, { query: `email=${local}+news@example.test` });
    expectRefused(res, "email", "unencoded +");
  });

  it("treats an IDN domain in Unicode, punycode, other case or decomposed form as one address: one customer", async () => {
    const local = `idn.${unique()}`;
    const forms = [
      `${local}@bücher.example`,
      `${local}@xn--bcher-kva.example`,
      `${local.toUpperCase()}@BÜCHER.EXAMPLE`,
      `${local}@bu\u0308cher.example`,
      `${local}@ｂücher.example`, // a full-width b: UTS #46 maps it to b
    ];
    const ids: string[] = [];
    for (const email of forms) {
      const res = await admin("POST", "licenses", { plan: PLAN, email });
      expect(res.status, `${email}: ${JSON.stringify(res.json)}`).toBe(201);
      ids.push(res.json.id);
    }
    const owners = await sql("SELECT DISTINCT u.email FROM licenses l JOIN users u ON u.id = l.user_id WHERE l.id = ANY($1::uuid[])", [ids]);
    expect(owners).toEqual([{ email: `${local}@bücher.example` }]);
    for (const email of forms) expect((await listedOwners(email)).json.data.map((l: { id: string }) => l.id).sort(), email).toEqual([...ids].sort());
    // The domain's ASCII form is what mail is sent to, and it is the same domain.
    expect(domainToASCII("bücher.example")).toBe("xn--bcher-kva.example");
  });
});

// ---------------------------------------------------------------- concurrent edits of one license

type Patch = { maxMachines?: number | null; plan?: string; status?: "ACTIVE" | "SUSPENDED"; expiresAt?: string | null };
const patchArb: fc.Arbitrary<Patch> = fc
  .record(
    {
      maxMachines: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
      plan: fc.constantFrom(PLAN, FLOATING),
      status: fc.constantFrom("ACTIVE" as const, "SUSPENDED" as const),
      expiresAt: fc.option(fc.constantFrom("2031-01-01T00:00:00.000Z", "2032-06-30T12:00:00.000Z", "2040-12-31T23:59:59.999Z"), { nil: null }),
    },
    { requiredKeys: [] },
  )
  .filter((p) => Object.keys(p).length > 0);

type State = { maxMachines: number | null; plan: string; status: string; expiresAt: string | null };

async function stateOf(id: string): Promise<State> {
  const [row] = await sql(
    `SELECT l.max_machines AS "maxMachines", p.slug AS plan, l.status::text AS status,
            to_char(l.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "expiresAt"
     FROM licenses l JOIN plans p ON p.id = l.plan_id WHERE l.id = $1`,
    [id],
  );
  return row;
}

describe("concurrent edits of the same license", () => {
  it("ends in the state of one serial order of the PATCHes, its audit rows chain from state to state, and no more machines than seats hold one", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(patchArb, { minLength: 2, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), async (patches, activations) => {
        const { id, key } = await newLicense({ expiresAt: "2030-01-01T00:00:00Z" });
        const initial = await stateOf(id);
        const fingerprints = Array.from({ length: activations }, (_, i) => `fp-${i}-${unique()}`);
        const answers = await Promise.all([
          ...patches.map((p) => admin("PATCH", `licenses/${id}`, p)),
          ...fingerprints.map((fp) => clientCall("/api/v1/licenses/activate", { key, fingerprint: fp })),
        ]);
        for (const a of answers.slice(0, patches.length)) expect(a.status, JSON.stringify(a.json)).toBe(200);
        for (const a of answers.slice(patches.length)) expect([200, 201, 403], JSON.stringify(a.json)).toContain(a.status);

        // Replay the audit log in commit order: each entry's "from" is the state the one before left.
        const audit = await sql("SELECT data FROM audit_logs WHERE action = 'license.update' AND target_id = $1 ORDER BY id", [id]);
        const replay: Record<string, unknown> = { ...initial };
        for (const { data } of audit) {
          for (const [field, change] of Object.entries(data.changes as Record<string, { from: unknown; to: unknown }>)) {
            expect(change.from, `${field} in ${JSON.stringify(audit)}`).toEqual(replay[field]);
            replay[field] = change.to;
          }
        }
        const final = await stateOf(id);
        expect(final).toEqual(replay);
        // Every field ends as the last PATCH that set it in that order left it: one of the values sent, or untouched.
        for (const field of ["maxMachines", "plan", "status", "expiresAt"] as const) {
          const sent = patches.filter((p) => field in p).map((p) => p[field] ?? null);
          if (sent.length === 0) expect(final[field]).toEqual(initial[field]);
          else expect(sent, field).toContainEqual(final[field]);
        }
        // The audit holds one entry per PATCH that changed something, and none for the others.
        expect(audit.length).toBeLessThanOrEqual(patches.length);

        const detail = (await admin("GET", `licenses/${id}`)).json.license;
        expect(detail.activeMachines).toBeLessThanOrEqual(detail.maxMachines);
        let valid = 0;
        for (const fp of fingerprints) if ((await clientCall("/api/v1/licenses/validate", { key, fingerprint: fp })).json.code === "VALID") valid++;
        expect(valid).toBeLessThanOrEqual(detail.maxMachines);
      }),
      { numRuns: 20 },
    );
  });
});
