// Migration 20261201110000_email_identity on a database that already holds
// accounts whose addresses differ only by case or white space: they become one
// account (with every license, payment, sign-in link and token), and from then on
// PostgreSQL itself refuses a second account for the same address.
import { cp, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, dropTestDatabase, type TestDatabase } from "../test/database";
import { MIGRATIONS_DIR, migrate, readMigrations } from "./migrate";

const THIS = "20261201110000_email_identity";
let db: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  db = await createTestDatabase({ empty: true });
  // Every migration before this one, then the old data, then the rest.
  const before = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
  for (const m of await readMigrations()) {
    if (m.name >= THIS) break;
    await cp(path.join(MIGRATIONS_DIR, m.name), path.join(before, m.name), { recursive: true });
  }
  await migrate(db.url, { dir: before });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  if (db) await dropTestDatabase(db);
});

const q = async (sql: string, values: unknown[] = []) => (await client.query(sql, values)).rows;

describe(`migration ${THIS}`, () => {
  it("merges accounts that differ only by case or spaces into one, moving everything they own", async () => {
    const [product] = await q(`INSERT INTO products (slug, name, updated_at) VALUES ('p', 'P', now()) RETURNING id`);
    const [plan] = await q(
      `INSERT INTO plans (product_id, slug, name, max_machines, updated_at) VALUES ($1, 'pl', 'Pl', 1, now()) RETURNING id`,
      [product.id],
    );
    const user = async (email: string, extra: { role?: string; name?: string; stripe?: string; at: string }) =>
      (
        await q(
          `INSERT INTO users (email, role, name, stripe_customer_id, created_at, updated_at)
           VALUES ($1, $2::"UserRole", $3, $4, $5, now()) RETURNING id`,
          [email, extra.role ?? "CUSTOMER", extra.name ?? null, extra.stripe ?? null, extra.at],
        )
      )[0].id as string;
    const oldest = await user("Kim.Park@Example.test", { at: "2026-01-01T00:00:00Z", stripe: "cus_old" });
    const normal = await user("kim.park@example.test", { at: "2026-02-01T00:00:00Z", name: "Kim" });
    const spaced = await user(" KIM.PARK@example.test ", { at: "2026-03-01T00:00:00Z" });
    const other = await user("kim_park@example.test", { at: "2026-01-01T00:00:00Z" });
    const admin = await user("Boss@Example.test", { role: "ADMIN", at: "2026-05-01T00:00:00Z" });
    const boss = await user("boss@example.test", { at: "2026-01-01T00:00:00Z" });
    let n = 0;
    const license = async (userId: string) =>
      (
        await q(
          `INSERT INTO licenses (key_hash, key_ciphertext, key_hint, user_id, plan_id, updated_at)
           VALUES ($1, 'c', 'h', $2, $3, now()) RETURNING id`,
          [`hash-${n++}`, userId, plan.id],
        )
      )[0].id as string;
    const licenses = { oldest: await license(oldest), normal: await license(normal), spaced: await license(spaced), other: await license(other), boss: await license(boss) };
    await q(`INSERT INTO sessions (session_token, user_id, expires) VALUES ('s1', $1, now() + interval '1 day')`, [spaced]);
    await q(`INSERT INTO payments (user_id, amount_cents, currency) VALUES ($1, 500, 'usd')`, [oldest]);

    const result = await migrate(db.url);
    expect(result.applied[0]).toBe(THIS);

    const users = await q(`SELECT id, email, name, role, stripe_customer_id FROM users ORDER BY email`);
    expect(users).toEqual([
      { id: admin, email: "boss@example.test", name: null, role: "ADMIN", stripe_customer_id: null },
      { id: normal, email: "kim.park@example.test", name: "Kim", role: "CUSTOMER", stripe_customer_id: "cus_old" },
      { id: other, email: "kim_park@example.test", name: null, role: "CUSTOMER", stripe_customer_id: null },
    ]);
    const owner = async (id: string) => (await q(`SELECT user_id FROM licenses WHERE id = $1`, [id]))[0].user_id;
    expect(await owner(licenses.oldest)).toBe(normal);
    expect(await owner(licenses.spaced)).toBe(normal);
    expect(await owner(licenses.normal)).toBe(normal);
    expect(await owner(licenses.other)).toBe(other);
    expect(await owner(licenses.boss)).toBe(admin);
    expect((await q(`SELECT user_id FROM sessions`))[0].user_id).toBe(normal);
    expect((await q(`SELECT user_id FROM payments`))[0].user_id).toBe(normal);
    const audit = await q(`SELECT target_id, data FROM audit_logs WHERE action = 'user.merge' ORDER BY target_id`);
    expect(audit.map((a) => a.target_id).sort()).toEqual([admin, normal].sort());
    const kim = audit.find((a) => a.target_id === normal);
    expect(kim.data.merged.map((m: { id: string }) => m.id)).toEqual([oldest, spaced]);
  });

  it("leaves PostgreSQL refusing a second account for the same address, and any address not in normal form", async () => {
    await expect(q(`INSERT INTO users (email, updated_at) VALUES ('kim.park@example.test', now())`)).rejects.toThrow(/unique/);
    await expect(q(`INSERT INTO users (email, updated_at) VALUES ('KIM.park@example.test', now())`)).rejects.toThrow();
    await expect(q(`INSERT INTO users (email, updated_at) VALUES (' new@example.test', now())`)).rejects.toThrow(/users_email_normalized_check/);
    await q(`INSERT INTO users (email, updated_at) VALUES ('kim+billing@example.test', now())`);
  });
});
