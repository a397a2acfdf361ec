// The console's license list: search by key (the full key, looked up by its
// keyed hash like the license API does, or the last group people read out),
// owner email, status and plan, one page at a time from the database.
import { z } from "zod";
import { adminLicense, LICENSE_INCLUDE, type AdminLicense } from "../admin-api/license-view";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { hashLicenseKey, KEY_ALPHABET, normalizeLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { pageOf, pageParam, type Page } from "./paging";
import { statusWhere } from "../admin-api/licenses";

export const LICENSE_STATUSES = ["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"] as const;
export const LICENSES_PER_PAGE = 25;

const symbols = `[${KEY_ALPHABET}]{5}`;
const FULL_KEY = new RegExp(`^[A-Z0-9]{1,8}(-${symbols}){4}$`);
const HINT = new RegExp(`^(?:.*-)?(${symbols})$`);

const text = (max: number) => z.string().trim().max(max).optional().catch(undefined);

/** Query parameters as the search form sends them; anything malformed is ignored rather than an error page. */
const licenseSearchSchema = z.object({
  key: text(64),
  email: text(254),
  status: z.enum(LICENSE_STATUSES).optional().catch(undefined),
  plan: text(63),
  page: pageParam,
});

export type LicenseSearch = z.output<typeof licenseSearchSchema>;

export function parseLicenseSearch(params: Record<string, string | string[] | undefined>): LicenseSearch {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]));
  return licenseSearchSchema.parse(flat);
}

/** A full key finds at most one license by hash; a hint (or a key ending in one) matches the last group. */
function keyWhere(input: string): Prisma.LicenseWhereInput {
  const key = normalizeLicenseKey(input);
  if (FULL_KEY.test(key)) return { keyHash: hashLicenseKey(key, runtimeKeys().hmacKey) };
  const hint = HINT.exec(key)?.[1];
  // Not a key and not a hint: nothing can match, say so rather than list everything.
  return hint ? { keyHint: hint } : { id: { in: [] } };
}

export async function searchLicenses(search: LicenseSearch, now = new Date()): Promise<Page<AdminLicense>> {
  const filters: Prisma.LicenseWhereInput[] = [];
  if (search.key) filters.push(keyWhere(search.key));
  if (search.email) filters.push({ user: { email: { contains: search.email, mode: "insensitive" } } });
  if (search.status) filters.push(statusWhere(search.status, now));
  if (search.plan) filters.push({ plan: { slug: search.plan } });
  const where: Prisma.LicenseWhereInput = { AND: filters };
  const [rows, total] = await Promise.all([
    prisma().license.findMany({
      where,
      // Only machines without a deactivation can hold a seat; the history is not needed for a count.
      include: { ...LICENSE_INCLUDE, machines: { where: { deactivatedAt: null } } },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (search.page - 1) * LICENSES_PER_PAGE,
      take: LICENSES_PER_PAGE,
    }),
    prisma().license.count({ where }),
  ]);
  return pageOf(
    rows.map((row) => adminLicense(row, row.machines, now)),
    total,
    search.page,
    LICENSES_PER_PAGE,
  );
}
