// What a Lemon Squeezy answer shows beyond the validation decision: the numeric
// ids, names and the customer of a license. One indexed read by the license's
// id, after the decision (lib/licensing) has been taken.
import type pg from "pg";

export type LicenseDetails = {
  number: number;
  createdAt: Date;
  keyCiphertext: string;
  productName: string;
  productNumber: number;
  lemonSqueezyStoreId: number | null;
  lemonSqueezyProductId: number | null;
  planName: string;
  planNumber: number;
  lemonSqueezyVariantId: number | null;
  customerNumber: number;
  customerName: string | null;
  customerEmail: string;
};

/** The details of the license `licenseId`, or null when it was deleted meanwhile. */
export async function loadLicenseDetails(pool: pg.Pool, licenseId: string): Promise<LicenseDetails | null> {
  const { rows } = await pool.query<LicenseDetails>({
    name: "lemon-squeezy-license-details",
    text: `SELECT l.number AS "number", l.created_at AS "createdAt", l.key_ciphertext AS "keyCiphertext",
             pr.name AS "productName", pr.number AS "productNumber",
             pr.lemon_squeezy_store_id AS "lemonSqueezyStoreId", pr.lemon_squeezy_product_id AS "lemonSqueezyProductId",
             p.name AS "planName", p.number AS "planNumber", p.lemon_squeezy_variant_id AS "lemonSqueezyVariantId",
             u.number AS "customerNumber", u.name AS "customerName", u.email AS "customerEmail"
           FROM licenses l JOIN plans p ON p.id = l.plan_id JOIN products pr ON pr.id = p.product_id
             JOIN users u ON u.id = l.user_id
           WHERE l.id = $1`,
    values: [licenseId],
  });
  return rows[0] ?? null;
}
