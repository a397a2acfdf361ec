// The console's CSV import against a real database: a Lemon Squeezy license-key export and
// this portal's own export, a dry run that reports per license what would happen and changes
// nothing, the real run (audited, with webhook events in the same transaction), updates of
// licenses already here, and re-runs that change nothing at all.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { handleAdminApi } from "../admin-api/handlers";
import { db, prisma } from "../db/client";
import type { ApiRequest } from "../http/types";
import { call as clientCall } from "../test/api-client";
import { setupTestDatabase } from "../test/database";
import { parseDecimalInteger, TEXT_MESSAGE } from "../http/input";
import { CSV_IMPORT_MAX_LICENSES, decodeCsvFile, importCsvFile } from "./console-import";
import { csvToImportItems } from "./csv-import";

setupTestDatabase();
process.env.ADMIN_API_TOKEN = "console-import-token";
process.env.RATE_LIMIT_PER_MINUTE = "0";

const actor = { type: "user" as const, id: "00000000-0000-4000-8000-000000000001", label: "admin@example.com" };
const run = (text: string, options: { dryRun: boolean; defaultPlan?: string }) => importCsvFile(text, { ...options, actor, ip: "203.0.113.5" });

async function admin(method: string, path: string, body?: unknown, query = "") {
  const req: ApiRequest = {
    method,
    path: `/api/v1/admin/${path}`,
    query: new URLSearchParams(query),
    host: "portal.test",
    ip: "203.0.113.9",
    headers: { "content-type": "application/json", authorization: "Bearer console-import-token" },
    body: Buffer.from(body === undefined ? "" : JSON.stringify(body)),
  };
  const res = await handleAdminApi(req);
  const text = res.body.toString("utf8");
  return { status: res.status, text, json: text.startsWith("{") ? JSON.parse(text) : null };
}

/** Everything an import can write, counted: a re-run must leave every figure as it was. */
async function footprint() {
  const n = async (sql: string) => Number((await db().query(sql)).rows[0].n);
  return {
    licenses: await n("SELECT count(*)::int AS n FROM licenses"),
    machines: await n("SELECT count(*)::int AS n FROM machines WHERE deactivated_at IS NULL"),
    users: await n("SELECT count(*)::int AS n FROM users"),
    audit: await n("SELECT count(*)::int AS n FROM audit_logs"),
    events: await n("SELECT count(*)::int AS n FROM webhook_events"),
    deliveries: await n("SELECT count(*)::int AS n FROM webhook_deliveries"),
    updatedAt: (await db().query("SELECT coalesce(max(updated_at), 'epoch')::text AS n FROM licenses")).rows[0].n as string,
  };
}
const eventsOf = async (type: string) => Number((await db().query("SELECT count(*)::int AS n FROM webhook_events WHERE type = $1", [type])).rows[0].n);

beforeAll(async () => {
  expect((await admin("POST", "products", { slug: "zen", name: "Zen", lemonSqueezyProductId: 4501 })).status).toBe(201);
  expect((await admin("POST", "plans", { product: "zen", slug: "zen-solo", name: "Solo", maxMachines: 1 })).status).toBe(201);
  expect((await admin("POST", "plans", { product: "zen", slug: "zen-pro", name: "Pro", maxMachines: 3, durationDays: 365, lemonSqueezyVariantId: 9002 })).status).toBe(201);
  expect((await admin("POST", "products", { slug: "tool", name: "Tool", lemonSqueezyProductId: 77 })).status).toBe(201);
  expect((await admin("POST", "plans", { product: "tool", slug: "tool-std", name: "Standard", maxMachines: 2 })).status).toBe(201);
  // An endpoint taking every event type, so each event also queues a delivery.
  expect((await admin("POST", "webhook-endpoints", { url: "https://hooks.example.com/portal" })).status).toBe(201);
});

// A Lemon Squeezy license-key export: the attributes of its license-key object as columns.
const LEMON_SQUEEZY = [
  "id,store_id,customer_id,order_id,order_item_id,product_id,variant_id,user_name,user_email,key,key_short,activation_limit,instances_count,disabled,status,status_formatted,expires_at,created_at,updated_at",
  '1,11,5,100,200,4501,9002,"Darlene Daugherty",darlene@example.com,38b1460a-5104-4067-a91d-77b872934d51,XXXX-77b872934d51,5,0,0,inactive,Inactive,,2021-05-24T14:15:07.000000Z,2021-05-24T14:15:07.000000Z',
  "2,11,6,101,201,77,,Kim,kim@example.com,TOOL-KEY-0000-0002,XXXX-0000-0002,,1,1,disabled,Disabled,2030-01-01 00:00:00,2022-02-02T10:00:00.000000Z,2022-02-02T10:00:00.000000Z",
  "3,11,7,102,202,999,,Lee,lee@example.com,LEE-KEY-000000003,XXXX-000000003,1,0,0,expired,Expired,2023-01-01T00:00:00.000000Z,2022-01-01T00:00:00.000000Z,2022-01-01T00:00:00.000000Z",
  "4,11,8,103,203,77,,Max,not-an-email,MAX-KEY-000000004,XXXX-000000004,1,0,0,active,Active,,2022-01-01T00:00:00.000000Z,2022-01-01T00:00:00.000000Z",
].join("\r\n");

describe("a Lemon Squeezy license-key export", () => {
  it("is checked by a dry run that says per license what would happen and changes nothing", async () => {
    const before = await footprint();
    const report = await run(LEMON_SQUEEZY, { dryRun: true });
    expect(report).toMatchObject({ dryRun: true, layout: "lemonsqueezy", created: 2, updated: 0, unchanged: 0, errors: 2 });
    expect(report.rows.map((r) => [r.lines, r.result, r.plan ?? null, r.message ?? null])).toEqual([
      [[2], "created", "zen-pro", null], // variant 9002
      [[3], "created", "tool-std", null], // the only plan of product 77
      [[4], "error", null, "No plan: the row names none and no plan has its Lemon Squeezy product or variant id; choose a plan for such rows"],
      [[5], "error", null, expect.stringMatching(/^email: /)], // (its plan, tool-std, is found: the only plan of product 77)
    ]);
    expect(await footprint()).toEqual(before);
  });

  it("imports what the dry run said, audited as imported and told to webhooks as license.created; a re-run changes nothing", async () => {
    const report = await run(LEMON_SQUEEZY, { dryRun: false, defaultPlan: "zen-solo" });
    expect(report).toMatchObject({ dryRun: false, created: 3, updated: 0, unchanged: 0, errors: 1 });
    const darlene = await prisma().license.findFirstOrThrow({ where: { user: { email: "darlene@example.com" } }, include: { plan: true, user: true } });
    expect(darlene).toMatchObject({ status: "ACTIVE", maxMachines: 5, expiresAt: null, plan: { slug: "zen-pro" }, user: { name: "Darlene Daugherty" } });
    expect(darlene.createdAt.toISOString()).toBe("2021-05-24T14:15:07.000Z");
    const kim = await prisma().license.findFirstOrThrow({ where: { user: { email: "kim@example.com" } } });
    expect(kim).toMatchObject({ status: "SUSPENDED", maxMachines: null });
    expect(kim.expiresAt!.toISOString()).toBe("2030-01-01T00:00:00.000Z");
    const lee = await prisma().license.findFirstOrThrow({ where: { user: { email: "lee@example.com" } }, include: { plan: true } });
    expect(lee).toMatchObject({ status: "EXPIRED", plan: { slug: "zen-solo" } });

    expect(await prisma().auditLog.count({ where: { action: "license.import" } })).toBe(3);
    expect(await eventsOf("license.created")).toBe(3);
    const event = (await db().query("SELECT payload FROM webhook_events WHERE type = 'license.created' ORDER BY created_at LIMIT 1")).rows[0].payload;
    expect(event.data.license).toMatchObject({ plan: "zen-pro", status: "ACTIVE" });
    // The imported key works through the native API.
    expect((await clientCall("/api/v1/licenses/validate", { key: "38B1460A-5104-4067-A91D-77B872934D51" })).json).toMatchObject({ valid: true, code: "VALID" });

    const after = await footprint();
    const again = await run(LEMON_SQUEEZY, { dryRun: false, defaultPlan: "zen-solo" });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 3, errors: 1 });
    expect(await footprint()).toEqual(after);
  });

  it("updates a license already here to match a newer export, after a dry run showing each change", async () => {
    const newer = LEMON_SQUEEZY.replace(",5,0,0,inactive,Inactive,,", ",6,0,1,disabled,Disabled,2031-06-30T00:00:00Z,");
    const before = await footprint();
    const dry = await run(newer, { dryRun: true, defaultPlan: "zen-solo" });
    expect(dry).toMatchObject({ created: 0, updated: 1, unchanged: 2, errors: 1 });
    expect(dry.rows[0]).toMatchObject({
      result: "updated",
      changes: { expiresAt: { from: null, to: "2031-06-30T00:00:00.000Z" }, maxMachines: { from: 5, to: 6 }, status: { from: "ACTIVE", to: "SUSPENDED" } },
    });
    expect(await footprint()).toEqual(before);

    const applied = await run(newer, { dryRun: false, defaultPlan: "zen-solo" });
    expect(applied).toMatchObject({ created: 0, updated: 1, unchanged: 2 });
    const darlene = await prisma().license.findFirstOrThrow({ where: { user: { email: "darlene@example.com" } } });
    expect(darlene).toMatchObject({ status: "SUSPENDED", maxMachines: 6 });
    const audit = await prisma().auditLog.findFirstOrThrow({ where: { action: "license.import", targetId: darlene.id }, orderBy: { id: "desc" } });
    expect(audit.data).toMatchObject({ changes: { maxMachines: { from: 5, to: 6 } } });
    expect(await eventsOf("license.suspended")).toBe(1);
    expect(await eventsOf("license.updated")).toBe(1);

    const after = await footprint();
    expect(await run(newer, { dryRun: false, defaultPlan: "zen-solo" })).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(await footprint()).toEqual(after);
  });
});

describe("this portal's own CSV export", () => {
  it("round-trips: exported with keys and imported here again, every license is unchanged; machines added elsewhere are added", async () => {
    const issued = await admin("POST", "licenses", { plan: "zen-pro", email: "round@example.com", maxMachines: 2 });
    await clientCall("/api/v1/licenses/activate", { key: issued.json.key, fingerprint: "laptop-1", name: "Laptop" });
    const csv = (await admin("GET", "export/licenses", undefined, "keys=true&format=csv")).text;
    const before = await footprint();
    const same = await run(csv, { dryRun: false });
    expect(same).toMatchObject({ layout: "portal", created: 0, updated: 0, errors: 0 });
    expect(same.unchanged).toBe(same.rows.length);
    expect(await footprint()).toMatchObject({ ...before, audit: before.audit });

    // The same file with one more machine row for that license (as another portal would export it).
    const header = csv.split("\r\n")[0]!;
    const row = csv.split("\r\n").find((l) => l.includes(issued.json.key))!;
    const cols = header.split(",");
    const cells = row.split(",");
    cells[cols.indexOf("machineFingerprint")] = "desktop-2";
    cells[cols.indexOf("machineName")] = "Desktop";
    cells[cols.indexOf("machineActivatedAt")] = "";
    const withMachine = `${csv}${cells.join(",")}\r\n`;
    const dry = await run(withMachine, { dryRun: true });
    const changed = dry.rows.find((r) => r.result === "updated")!;
    expect(changed).toMatchObject({ email: "round@example.com", changes: { machines: { from: ["laptop-1"], to: ["laptop-1", "desktop-2"] } } });
    expect(changed.lines).toHaveLength(2);
    await run(withMachine, { dryRun: false });
    expect((await clientCall("/api/v1/licenses/validate", { key: issued.json.key, fingerprint: "desktop-2" })).json).toMatchObject({ valid: true, code: "VALID" });
    expect(await eventsOf("machine.activated")).toBeGreaterThanOrEqual(2); // the API activation and the imported machine
    const after = await footprint();
    expect((await run(withMachine, { dryRun: false })).updated).toBe(0);
    expect(await footprint()).toEqual(after);
  });

  it("refuses a revoked license's change (revocation is final) and a file that is not a license CSV", async () => {
    const issued = await admin("POST", "licenses", { plan: "zen-solo", email: "revoked@example.com" });
    await admin("PATCH", `licenses/${issued.json.id}`, { status: "REVOKED" });
    const csv = `plan,email,key,status\r\nzen-solo,revoked@example.com,${issued.json.key},ACTIVE\r\n`;
    const report = await run(csv, { dryRun: false });
    expect(report.rows).toEqual([expect.objectContaining({ result: "error", lines: [2], message: "The license here is revoked, which is final: it cannot be changed by an import" })]);
    expect((await prisma().license.findUniqueOrThrow({ where: { id: issued.json.id } })).status).toBe("REVOKED");

    await expect(run("name,email\r\nA,a@example.com\r\n", { dryRun: true })).rejects.toMatchObject({ status: 400, message: expect.stringContaining("no key column") });
    await expect(run('key,plan\r\n"unclosed,zen-solo\r\n', { dryRun: true })).rejects.toMatchObject({ status: 400 });
    await expect(run("key,plan,email\r\n", { dryRun: true })).rejects.toMatchObject({ status: 400, message: "The file has a header row but no licenses" });
  });

  it(`refuses more than ${CSV_IMPORT_MAX_LICENSES} licenses in one file with 413, before writing anything`, async () => {
    const rows = Array.from({ length: CSV_IMPORT_MAX_LICENSES + 1 }, (_, i) => `zen-solo,many@example.com,MANY-KEY-${String(i).padStart(6, "0")}`);
    const before = await footprint();
    await expect(run(["plan,email,key", ...rows].join("\n"), { dryRun: false })).rejects.toMatchObject({ status: 413, message: expect.stringContaining("split it") });
    expect(await footprint()).toEqual(before);
  });
});

describe("ill-formed text in a cell (API.md \"Input domain\")", () => {
  const HEADER = "plan,email,key,name,status,expiresAt,maxMachines,createdAt,machineFingerprint,machineName,machineActivatedAt";
  const good = (n: number) => ({
    plan: "zen-pro",
    email: `cell-${n}@example.com`,
    key: `CELL-KEY-${String(n).padStart(8, "0")}`,
    name: "Ada Lovelace",
    status: "ACTIVE",
    expiresAt: "2031-01-01T00:00:00Z",
    maxMachines: "2",
    createdAt: "2024-01-01T00:00:00Z",
    machineFingerprint: `fp-${n}`,
    machineName: "Laptop",
    machineActivatedAt: "2024-02-01T00:00:00Z",
  });
  const line = (cells: Record<string, string>) => HEADER.split(",").map((c) => cells[c]).join(",");
  const badChar = fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF");
  let n = 0;

  it("refuses the line holding U+0000 or a lone surrogate in any cell, says which line and why, and writes nothing for it", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...HEADER.split(",")), badChar, fc.constantFrom("start", "middle", "end"), async (column, c, where) => {
        const ok = good(n++);
        const bad = good(n++);
        const v = bad[column as keyof typeof bad];
        const cell = where === "start" ? `${c}${v}` : where === "end" ? `${v}${c}` : `${v.slice(0, 2)}${c}${v.slice(2)}`;
        const file = [HEADER, line(ok), line({ ...bad, [column]: cell })].join("\r\n");
        const before = await footprint();
        const report = await run(file, { dryRun: true });
        expect(report.rows.map((r) => [r.lines, r.result]), `${column} ${JSON.stringify(cell)}`).toEqual([
          [[2], "created"],
          [[3], "error"],
        ]);
        const message = report.rows[1]!.message!;
        // The field is named; free-text cells say why in the text type's words, typed cells in their own.
        expect(message, `${column} ${JSON.stringify(cell)}`).toMatch(/^[a-zA-Z.0-9]+: /);
        if (["name", "machineName", "machineFingerprint"].includes(column)) expect(message).toContain(TEXT_MESSAGE);
        expect(await footprint()).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });

  it("applies the good lines only: nothing of a refused line is stored", async () => {
    const ok = good(n++);
    const bad = good(n++);
    const file = [HEADER, line(ok), line({ ...bad, name: "Ada\u0000Lovelace" }), line({ ...good(n++), machineName: "Lap\uD800top" })].join("\r\n");
    const report = await run(file, { dryRun: false });
    expect(report).toMatchObject({ created: 1, errors: 2 });
    expect(report.rows.map((r) => r.message ?? null)).toEqual([null, `name: ${TEXT_MESSAGE}`, `machines.0.name: ${TEXT_MESSAGE}`]);
    expect(await prisma().user.count({ where: { email: bad.email } })).toBe(0);
    expect(await prisma().license.count({ where: { user: { email: ok.email } } })).toBe(1);
  });

  it("reads a file's bytes as UTF-8: an encoded lone surrogate (WTF-8) is refused on its line, a file in another encoding as a whole", async () => {
    const ok = good(n++);
    const bad = good(n++);
    const utf8 = (s: string) => Buffer.from(s, "utf8");
    // ED A0 80 is U+D800 as WTF-8 (or CESU-8) writes it, which no UTF-8 encoder produces: it
    // stands where the private-use U+E000 (EE 80 80) is written first.
    const written = utf8(`\uFEFF${HEADER}\r\n${line(ok)}\r\n${line({ ...bad, name: "Ada\uE000" })}\r\n`);
    const at = written.indexOf(Buffer.from([0xee, 0x80, 0x80]));
    const bytes = Buffer.concat([written.subarray(0, at), Buffer.from([0xed, 0xa0, 0x80]), written.subarray(at + 3)]);
    const text = decodeCsvFile(bytes);
    expect(text.split("\r\n")[2]).toBe(line({ ...bad, name: "Ada\uD800" }));
    const report = await run(text, { dryRun: true });
    expect(report.rows.map((r) => [r.lines, r.result, r.message ?? null])).toEqual([
      [[2], "created", null],
      [[3], "error", `name: ${TEXT_MESSAGE}`],
    ]);
    // A surrogate pair written as two such sequences (CESU-8) and Latin-1 bytes are not UTF-8: the whole file is refused.
    for (const wrong of [Buffer.from([0x6b, 0x65, 0x79, 0x0a, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]), Buffer.from("key,name\nK,Jos\xe9\n", "latin1")]) {
      expect(() => decodeCsvFile(wrong)).toThrow(expect.objectContaining({ status: 400, message: "The file is not UTF-8 text: save it as CSV (UTF-8)" }));
    }
    expect(decodeCsvFile(utf8("key,name\nK,José 😀\n"))).toBe("key,name\nK,José 😀\n");
  });
});

describe("numbers in cells follow the shared whole-number rule (lib/http/input.ts parseDecimalInteger)", () => {
  const HEADER = "plan,email,key,maxMachines";
  let n = 0;
  const row = (seats: string) => {
    n++;
    return `zen-pro,seats-${n}@example.com,SEATS-KEY-${String(n).padStart(8, "0")},${seats.includes(",") ? `"${seats}"` : seats}`;
  };

  it("reads decimal digits as the seat count and reports every other spelling of a number on its line, writing nothing for it", async () => {
    // Before, the cell was trimmed and Number() read: " 5" and "5 " were 5 seats, and 20 digits an inexact float.
    const refused = [" 5", "5 ", "+5", "5.0", "0x5", "1e1", "5,0", "٥", "99999999999999999999", "-0", "0"];
    const file = [HEADER, row("5"), row("007"), ...refused.map(row)].join("\r\n");
    const before = await footprint();
    const report = await run(file, { dryRun: true });
    expect(report.rows.slice(0, 2).map((r) => r.result)).toEqual(["created", "created"]);
    for (const [i, r] of report.rows.slice(2).entries()) {
      expect([r.result, r.message], JSON.stringify(refused[i])).toEqual(["error", expect.stringMatching(/^maxMachines: /)]);
    }
    expect(await footprint()).toEqual(before);
    const applied = await run([HEADER, row("5"), row("007"), row(" 6")].join("\r\n"), { dryRun: false });
    expect(applied).toMatchObject({ created: 2, errors: 1 });
    const seats = await prisma().license.findMany({ where: { user: { email: { startsWith: "seats-" } } }, select: { maxMachines: true }, orderBy: { createdAt: "asc" } });
    expect(seats.map((s) => s.maxMachines)).toEqual([5, 7]);
  });

  it("takes a cell as a seat count exactly when parseDecimalInteger does (property)", () => {
    const cell = fc.oneof(
      fc.integer({ min: -5, max: 20_000 }).map(String),
      fc.stringMatching(/^[ +\-0-9.eExX,_]{1,8}$/),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(cell, (seats) => {
        fc.pre(seats.trim() !== "" && !/["\r\n]/.test(seats));
        const [item] = csvToImportItems(`key,maxMachines\r\nPROP-KEY-00000001,"${seats}"\r\n`);
        const n = parseDecimalInteger(seats);
        expect(item!.maxMachines).toBe(n ?? seats);
      }),
      { numRuns: 300 },
    );
  });
});
