// Fails whenever prisma/schema.prisma and the database built by the SQL
// migrations disagree: tables, columns, types, nullability, defaults, enums,
// primary keys, unique constraints, indexes and foreign keys. Prisma's own
// `migrate diff` would do this, but its schema engine cannot be downloaded here;
// the schema is read through Prisma's WASM schema parser instead.
import { readFileSync } from "node:fs";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../test/database";

type DmmfField = {
  name: string;
  dbName?: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  default?: { name: string; args: unknown[] } | string | number | boolean | unknown[];
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type Dmmf = {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; values: { name: string }[] }[];
    indexes: { model: string; type: "id" | "unique" | "normal" | "fulltext"; fields: { name: string }[]; dbName?: string }[];
  };
};

const dmmf: Dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: readFileSync("prisma/schema.prisma", "utf8") })));
const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (model: DmmfModel, field: string) => {
  const f = model.fields.find((x) => x.name === field)!;
  return f.dbName ?? f.name;
};

/** The PostgreSQL type Prisma creates for a field, as information_schema's udt_name spells it. */
function expectedType(f: DmmfField): string {
  const native = f.nativeType?.[0];
  let udt: string;
  if (f.kind === "enum") udt = f.type;
  else if (native === "Uuid") udt = "uuid";
  else if (native === "Timestamptz") udt = "timestamptz";
  else if (native === "Date") udt = "date";
  else if (native) throw new Error(`add native type ${native} to the drift test`);
  else
    udt = ({ String: "text", Int: "int4", BigInt: "int8", Boolean: "bool", DateTime: "timestamp", Json: "jsonb", Float: "float8" } as Record<string, string>)[f.type]!;
  return f.isList ? `_${udt}` : udt;
}

/** What information_schema.columns.column_default should look like, or null for no default. */
function expectedDefault(f: DmmfField): RegExp | null {
  if (!f.hasDefaultValue) return null;
  const d = f.default;
  if (d && typeof d === "object" && !Array.isArray(d)) {
    if (d.name === "now") return /^CURRENT_TIMESTAMP$/;
    if (d.name === "autoincrement") return /^nextval\(/;
    if (d.name === "dbgenerated") return new RegExp(`^${String(d.args[0]).replace(/[()]/g, "\\$&")}$`);
    throw new Error(`add default ${d.name} to the drift test`);
  }
  if (Array.isArray(d)) return /^ARRAY\[\]::text\[\]$/;
  if (typeof d === "boolean" || typeof d === "number") return new RegExp(`^${d}$`);
  return new RegExp(`^'${String(d)}'::`); // string or enum literal
}

setupTestDatabase();
let client: pg.Client;
beforeAll(async () => {
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});
afterAll(() => client.end());

describe("schema.prisma matches the migrated database", () => {
  it("has exactly the tables of the models", async () => {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'",
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual([...models.values()].map(tableOf).sort());
  });

  it("has exactly the enums of the schema", async () => {
    const { rows } = await client.query<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname`,
    );
    const actual = Object.fromEntries(rows.map((r) => [r.typname, r.labels]));
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  for (const model of dmmf.datamodel.models) {
    it(`${model.name}: columns, types, nullability and defaults`, async () => {
      const { rows } = await client.query<{ column_name: string; udt_name: string; is_nullable: string; column_default: string | null }>(
        `SELECT column_name, udt_name, is_nullable, column_default FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = $1`,
        [tableOf(model)],
      );
      const actual = new Map(rows.map((r) => [r.column_name, r]));
      const scalars = model.fields.filter((f) => f.kind !== "object");
      expect([...actual.keys()].sort()).toEqual(scalars.map((f) => f.dbName ?? f.name).sort());
      for (const f of scalars) {
        const col = actual.get(f.dbName ?? f.name)!;
        const where = `${model.name}.${f.name}`;
        expect(col.udt_name, `${where} type`).toBe(expectedType(f));
        // Prisma creates scalar lists without NOT NULL.
        expect(col.is_nullable, `${where} nullability`).toBe(f.isRequired && !f.isList ? "NO" : "YES");
        const def = expectedDefault(f);
        if (def) expect(col.column_default, `${where} default`).toMatch(def);
        else expect(col.column_default, `${where} has no default`).toBeNull();
      }
    });
  }

  it("has exactly the primary keys, unique constraints and indexes of the schema, and the expression and partial indexes listed here", async () => {
    const { rows } = await client.query<{
      name: string;
      table: string;
      columns: string[];
      unique: boolean;
      primary: boolean;
      expression: boolean;
      predicate: string | null;
    }>(
      `SELECT i.relname AS name, t.relname AS table, ix.indisunique AS unique, ix.indisprimary AS primary,
              bool_or(k.attnum = 0) AS expression,
              (SELECT pg_get_expr(p.indpred, p.indrelid) FROM pg_index p WHERE p.indexrelid = ix.indexrelid) AS predicate,
              array_agg(coalesce(a.attname::text, pg_get_indexdef(ix.indexrelid, k.ord::int, false)) ORDER BY k.ord)::text[] AS columns
       FROM pg_index ix
       JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_class i ON i.oid = ix.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
       JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE t.relname <> '_prisma_migrations'
       GROUP BY ix.indexrelid, i.relname, t.relname, ix.indisunique, ix.indisprimary`,
    );
    // Prisma's schema cannot declare an index on an expression or with a WHERE; the migrations' own are listed here.
    const oneLine = (text: string) => text.replace(/\s+/g, " ");
    const definition = (r: (typeof rows)[number]) =>
      oneLine(`${r.unique ? "UNIQUE " : ""}${r.name} ON ${r.table}(${r.columns.join(",")})${r.predicate ? ` WHERE ${r.predicate}` : ""}`);
    const migrationOnly = (r: (typeof rows)[number]) => r.expression || r.predicate !== null;
    expect(rows.filter(migrationOnly).map(definition).sort()).toEqual([
      // migration 20261201110000: one account per email, whatever its case and surrounding spaces
      "UNIQUE users_email_normalized_key ON users(lower(btrim(email)))",
      // migration 20261209100000: licenses with fewer than one seat, for the seat count (lib/admin/dashboard-counters.ts)
      "licenses_seatless_idx ON licenses(id) WHERE (max_machines < 1)",
      // migration 20261208100000: the lifecycle ticks' moments not yet reported (lib/lifecycle/moments.ts)
      `licenses_unreported_expiry_idx ON licenses(( CASE WHEN (expired_event_for IS DISTINCT FROM expires_at) THEN expires_at ELSE NULL::timestamp with time zone END)) WHERE (status = 'ACTIVE'::"LicenseStatus")`,
      "machines_unreported_deadline_idx ON machines(( CASE WHEN (dead_event_for IS DISTINCT FROM heartbeat_deadline) THEN heartbeat_deadline ELSE NULL::timestamp with time zone END)) WHERE (deactivated_at IS NULL)",
    ]);
    const describe = (table: string, columns: string[], kind: string) => `${table}(${columns.join(",")}) ${kind}`;
    const actual = rows
      .filter((r) => !migrationOnly(r))
      .map((r) => describe(r.table, r.columns, r.primary ? "primary" : r.unique ? "unique" : "index"))
      .sort();
    const expected = dmmf.datamodel.indexes
      .map((ix) => {
        const model = models.get(ix.model)!;
        const kind = ix.type === "id" ? "primary" : ix.type === "unique" ? "unique" : "index";
        return describe(tableOf(model), ix.fields.map((f) => columnOf(model, f.name)), kind);
      })
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has exactly the foreign keys of the relations, with their delete rules", async () => {
    const { rows } = await client.query<{ table: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string }>(
      `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS ref_table,
              (SELECT array_agg(attname ORDER BY ord)::text[] FROM unnest(c.conkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n) AS columns,
              (SELECT array_agg(attname ORDER BY ord)::text[] FROM unnest(c.confkey) WITH ORDINALITY k(n, ord)
                 JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n) AS ref_columns,
              c.confdeltype AS on_delete
       FROM pg_constraint c WHERE c.contype = 'f'`,
    );
    const rules: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };
    const actual = rows
      .map((r) => `${r.table}(${r.columns}) -> ${r.ref_table}(${r.ref_columns}) on delete ${rules[r.on_delete]}`)
      .sort();
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === "object" && f.relationFromFields?.length)
          .map((f) => {
            const target = models.get(f.type)!;
            const cols = f.relationFromFields!.map((c) => columnOf(m, c));
            const refs = f.relationToFields!.map((c) => columnOf(target, c));
            return `${tableOf(m)}(${cols}) -> ${tableOf(target)}(${refs}) on delete ${f.relationOnDelete ?? "Restrict"}`;
          }),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});

// Beyond what schema.prisma can say: storage settings the migrations make on purpose.
describe("table settings the migrations make", () => {
  it("licenses is autovacuumed after 2 % of its rows changed (migration 20261205150000: index-only admin lists after a wave of expiries)", async () => {
    const { rows } = await client.query<{ reloptions: string[] | null }>(`SELECT reloptions FROM pg_class WHERE oid = 'licenses'::regclass`);
    expect([...(rows[0]!.reloptions ?? [])].sort()).toEqual(["autovacuum_analyze_scale_factor=0.02", "autovacuum_vacuum_scale_factor=0.02"]);
  });

  it("machines and usage_daily leave 15 % of each page free for the usage job's HOT updates (migration 20261206100000)", async () => {
    const { rows } = await client.query<{ relname: string; reloptions: string[] | null }>(
      `SELECT relname, reloptions FROM pg_class WHERE oid IN ('machines'::regclass, 'usage_daily'::regclass) ORDER BY relname`,
    );
    expect(rows).toEqual([
      { relname: "machines", reloptions: ["fillfactor=85"] },
      { relname: "usage_daily", reloptions: ["fillfactor=85"] },
    ]);
  });
});
