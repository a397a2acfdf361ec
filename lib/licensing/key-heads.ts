// Fills in `licenses.key_head_hash` for rows written before the column existed
// (migration 20261201141000). SQL cannot do it: the hash is keyed with a secret the
// database never sees, and the key itself is only stored encrypted.
import pg from "pg";
import { decryptLicenseKey, hashLicenseKeyHead, licenseKeyHead, NO_KEY_HEAD } from "./keys";
import { runtimeKeys } from "./runtime-keys";

const BATCH = 1000;

/**
 * Computes the head hash of every license that has none, in batches of 1,000 rows, and returns how
 * many rows it filled. Idempotent and safe to run on several instances at once (each row is only
 * ever set to the same value). Rows whose key has no head (imported keys of other formats) get
 * NO_KEY_HEAD, so the next start does not decrypt them again; rows whose ciphertext cannot be
 * decrypted (another LICENSE_ENCRYPTION_KEY) are left null and not retried in this run.
 */
export async function backfillKeyHeads(databaseUrl: string): Promise<number> {
  const keys = runtimeKeys();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let filled = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  try {
    for (;;) {
      const { rows } = await client.query<{ id: string; key_ciphertext: string }>(
        "SELECT id, key_ciphertext FROM licenses WHERE key_head_hash IS NULL AND id > $1 ORDER BY id LIMIT $2",
        [after, BATCH],
      );
      if (rows.length === 0) return filled;
      after = rows[rows.length - 1]!.id;
      const ids: string[] = [];
      const hashes: string[] = [];
      for (const row of rows) {
        let head: string | null = null;
        try {
          head = licenseKeyHead(decryptLicenseKey(row.key_ciphertext, keys.aesKey));
        } catch {
          continue; // encrypted under another LICENSE_ENCRYPTION_KEY: nothing to learn here
        }
        ids.push(row.id);
        hashes.push(head === null ? NO_KEY_HEAD : hashLicenseKeyHead(head, keys.hmacKey));
      }
      if (ids.length) {
        const result = await client.query(
          "UPDATE licenses SET key_head_hash = v.hash FROM unnest($1::uuid[], $2::text[]) AS v(id, hash) WHERE licenses.id = v.id AND licenses.key_head_hash IS NULL",
          [ids, hashes],
        );
        filled += result.rowCount ?? 0;
      }
    }
  } finally {
    await client.end();
  }
}
