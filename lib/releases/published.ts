// The one fact the license API's validation needs about releases: when a
// version of a product was published (the perpetual fallback compares it with
// the license's expiry). Hand-written SQL on the license API's pool, like the
// rest of its reads (lib/licensing/store.ts).
import { db } from "../db/client";

/**
 * When `version` of the product `productSlug` was published; null when there is
 * no such release, it is still a draft, or its date is not set. A yanked release
 * keeps its date: it was published, and installed copies of it stay covered.
 */
export async function releasePublishedAt(productSlug: string, version: string): Promise<Date | null> {
  const { rows } = await db().query<{ published_at: Date | null }>({
    name: "release-published-at",
    text: `SELECT r.published_at FROM releases r JOIN products p ON p.id = r.product_id
           WHERE p.slug = $1 AND r.version = $2 AND r.status <> 'DRAFT'`,
    values: [productSlug, version],
  });
  return rows[0]?.published_at ?? null;
}
