// The benchmark's data: a product, a plan, customers and licenses (each with one
// machine), written in bulk by PostgreSQL itself so that a million licenses take
// seconds, not the minutes a row-by-row insert from Node would.
//
// Two kinds of license: the "sample", whose keys are real (generated, encrypted
// and hashed like issued keys, so the load generator can present them), and the
// "filler", which only makes the tables as big as a large vendor's. A filler
// license's key hash is a SHA-256 of its number (no key hashes to it) and its
// ciphertext is a real encrypted key (so a page that decrypts one works).
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { encryptLicenseKey, generateLicenseKey, licenseKeyColumns } from "../../lib/licensing/keys";

export type BenchData = { keys: string[]; fingerprints: string[]; planId: string; productId: string };

/** Customers per license: a vendor's customers hold four licenses each on average here. */
const LICENSES_PER_CUSTOMER = 4;
/** Rows per INSERT … SELECT generate_series: bounds each statement's memory and WAL. */
const CHUNK = 250_000;

// A customer's id follows from its number, so a license row can name its owner
// without a join: md5 of a fixed text, read as a uuid.
const customerId = (n: string) => `md5('bench-customer-' || (${n}))::uuid`;

/** Creates the catalogue and `sample` licenses with real keys. */
export async function seedSample(client: pg.Client, keys: { hmacKey: Buffer; aesKey: Buffer }, sample: number): Promise<BenchData> {
  const product = await client.query<{ id: string }>(`INSERT INTO products (slug, name, updated_at) VALUES ('bench', 'Bench', now()) RETURNING id`);
  const plan = await client.query<{ id: string }>(
    `INSERT INTO plans (product_id, slug, name, max_machines, duration_days, entitlements, updated_at)
     VALUES ($1, 'bench-pro', 'Bench Pro', 3, 365, ARRAY['core','sync'], now()) RETURNING id`,
    [product.rows[0]!.id],
  );
  await ensureCustomers(client, Math.ceil(sample / LICENSES_PER_CUSTOMER));
  const licenseKeys = Array.from({ length: sample }, () => generateLicenseKey("ZP"));
  const fingerprints = licenseKeys.map(() => randomBytes(32).toString("hex"));
  const columns = licenseKeys.map((k) => licenseKeyColumns(k, keys));
  await client.query(
    `WITH l AS (
       INSERT INTO licenses (key_hash, key_ciphertext, key_hint, key_head_hash, user_id, plan_id, expires_at, updated_at)
       SELECT h, c, k, hh, ${customerId("n % $5")}, $4, now() + interval '365 days', now()
       FROM unnest($1::text[], $2::text[], $3::text[], $7::text[]) WITH ORDINALITY AS t(h, c, k, hh, n)
       RETURNING id, key_hash)
     INSERT INTO machines (license_id, fingerprint, name)
     SELECT l.id, f.fp, 'bench' FROM l JOIN unnest($1::text[], $6::text[]) AS f(h, fp) ON f.h = l.key_hash`,
    [
      columns.map((c) => c.keyHash),
      columns.map((c) => c.keyCiphertext),
      columns.map((c) => c.keyHint),
      plan.rows[0]!.id,
      Math.ceil(sample / LICENSES_PER_CUSTOMER),
      fingerprints,
      columns.map((c) => c.keyHeadHash),
    ],
  );
  return { keys: licenseKeys, fingerprints, planId: plan.rows[0]!.id, productId: product.rows[0]!.id };
}

/** Customers bench-customer-0 … n-1 (idempotent). */
async function ensureCustomers(client: pg.Client, n: number): Promise<void> {
  for (let from = 0; from < n; from += CHUNK) {
    await client.query(
      `INSERT INTO users (id, email, name, updated_at, created_at)
       SELECT ${customerId("g")}, 'bench-customer-' || g || '@example.com', 'Customer ' || g, now(), now() - (g % 700) * interval '1 day'
       FROM generate_series($1::int, $2::int) AS g
       ON CONFLICT DO NOTHING`,
      [from, Math.min(n, from + CHUNK) - 1],
    );
  }
}

/**
 * Adds filler licenses (and their machines and customers) until the table holds
 * `total` licenses. A mix of statuses and ages, like a real vendor's: 5 %
 * suspended, 3 % revoked, 10 % past their expiry.
 */
export async function growTo(client: pg.Client, data: BenchData, keys: { aesKey: Buffer }, total: number): Promise<void> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM licenses`);
  const have = Number(rows[0]!.n);
  if (have >= total) return;
  await ensureCustomers(client, Math.ceil(total / LICENSES_PER_CUSTOMER));
  const ciphertext = encryptLicenseKey(generateLicenseKey("ZP"), keys.aesKey);
  for (let from = have; from < total; from += CHUNK) {
    await client.query(
      `WITH l AS (
         INSERT INTO licenses (key_hash, key_ciphertext, key_hint, key_head_hash, user_id, plan_id, status, expires_at, created_at, updated_at)
         SELECT encode(sha256(convert_to('bench-filler-' || g, 'UTF8')), 'hex'), $3,
                upper(substr(md5(g::text), 1, 5)), encode(sha256(convert_to('bench-head-' || g, 'UTF8')), 'hex'),
                ${customerId("g % $5")}, $4,
                (CASE WHEN g % 20 = 0 THEN 'SUSPENDED' WHEN g % 33 = 0 THEN 'REVOKED' ELSE 'ACTIVE' END)::"LicenseStatus",
                CASE WHEN g % 10 = 0 THEN now() - (g % 300) * interval '1 day' ELSE now() + (g % 365) * interval '1 day' END,
                now() - (g % 700) * interval '1 day' - (g % 86400) * interval '1 second', now()
         FROM generate_series($1::int, $2::int) AS g
         RETURNING id)
       INSERT INTO machines (license_id, fingerprint, name)
       SELECT id, md5(id::text), 'bench' FROM l`,
      [from, Math.min(total, from + CHUNK) - 1, ciphertext, data.planId, Math.ceil(total / LICENSES_PER_CUSTOMER)],
    );
  }
  await client.query("VACUUM ANALYZE licenses");
  await client.query("VACUUM ANALYZE machines");
  await client.query("VACUUM ANALYZE users");
}

/**
 * A vendor's history beside its licenses, `total` rows each (idempotent: tops each table up):
 * Stripe events (2 % FAILED, 10 % IGNORED), audit entries (license actions by admins and
 * Stripe) and emails (1 % FAILED, 1 % PENDING), spread over the licenses' 700 days.
 */
export async function seedHistory(client: pg.Client, total: number): Promise<void> {
  const have = async (table: string) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);
  const at = (g: string) => `now() - (${g} % 700) * interval '1 day' - (${g} % 86400) * interval '1 second'`;
  for (let from = await have("stripe_events"); from < total; from += CHUNK) {
    await client.query(
      `INSERT INTO stripe_events (id, type, status, error, payload, received_at, processed_at)
       SELECT 'evt_bench_' || g, CASE WHEN g % 3 = 0 THEN 'invoice.paid' ELSE 'checkout.session.completed' END,
              (CASE WHEN g % 50 = 0 THEN 'FAILED' WHEN g % 10 = 0 THEN 'IGNORED' ELSE 'PROCESSED' END)::"StripeEventStatus",
              CASE WHEN g % 50 = 0 THEN 'bench failure' END,
              jsonb_build_object('id', 'evt_bench_' || g, 'data', jsonb_build_object('object', jsonb_build_object('id', 'cs_bench_' || g))),
              ${at("g")}, ${at("g")}
       FROM generate_series($1::int, $2::int) AS g`,
      [from, Math.min(total, from + CHUNK) - 1],
    );
  }
  for (let from = await have("audit_logs"); from < total; from += CHUNK) {
    await client.query(
      `INSERT INTO audit_logs (at, actor_type, actor_label, action, target_type, target_id, ip)
       SELECT ${at("g")}, CASE WHEN g % 4 = 0 THEN 'user' ELSE 'stripe' END, CASE WHEN g % 4 = 0 THEN 'bench-admin@example.com' END,
              CASE WHEN g % 4 = 0 THEN 'license.updated' ELSE 'license.created' END, 'license', md5(g::text)::uuid::text, '127.0.0.1'
       FROM generate_series($1::int, $2::int) AS g`,
      [from, Math.min(total, from + CHUNK) - 1],
    );
  }
  for (let from = await have("email_messages"); from < total; from += CHUNK) {
    await client.query(
      `INSERT INTO email_messages (kind, to_address, subject, body_ciphertext, status, attempts, sent_at, created_at, updated_at)
       SELECT 'license_key', 'bench-customer-' || (g % 250000) || '@example.com', 'Your license key', 'x',
              (CASE WHEN g % 100 = 0 THEN 'FAILED' WHEN g % 100 = 1 THEN 'PENDING' ELSE 'SENT' END)::"EmailStatus", 1,
              CASE WHEN g % 100 > 1 THEN ${at("g")} END, ${at("g")}, ${at("g")}
       FROM generate_series($1::int, $2::int) AS g`,
      [from, Math.min(total, from + CHUNK) - 1],
    );
  }
  for (const table of ["stripe_events", "audit_logs", "email_messages"]) await client.query(`VACUUM ANALYZE ${table}`);
}
