// The console's license list: search by key (the full key, looked up by its
// keyed hash like the license API does, typed with or without dashes; its start;
// or the last group people read out),
// owner email, status and plan, one page at a time from the database.
import { z } from "zod";
import { adminLicense, LICENSE_INCLUDE, type AdminLicense } from "../admin-api/license-view";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { hashLicenseKey, hashLicenseKeyHead, KEY_ALPHABET, normalizeLicenseKey } from "../licensing/keys";
import { runtimeKeys } from "../licensing/runtime-keys";
import { COUNT_CAP, pageOf, pageParam, type Page } from "./paging";
import { statusWhere } from "../admin-api/licenses";
import { containsText } from "../db/like";
import { text as wellFormedText } from "../http/input";

export const LICENSE_STATUSES = ["ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"] as const;
export const LICENSES_PER_PAGE = 25;

const symbols = `[${KEY_ALPHABET}]{5}`;
const FULL_KEY = new RegExp(`^[A-Z0-9]{1,8}(-${symbols}){4}$`);
const GROUPS_ONLY = new RegExp(`^${symbols}(-${symbols}){3}$`);
const COMPACT_KEY = new RegExp(`^([A-Z0-9]{1,8}?)((?:${symbols}){4})$`);
const HEAD = new RegExp(`^([A-Z0-9]{1,8})-?(${symbols})$`);
const GROUP = new RegExp(`^${symbols}$`);
const HINT = new RegExp(`^(?:.*-)?(${symbols})$`);

function groupsOf(symbols20: string): string {
  return symbols20.match(/.{5}/g)!.join("-");
}

/**
 * What the console's key box may hold, read the way people type a key: the whole key (with or
 * without its dashes or prefix, any case, spaces anywhere), its start (prefix and first group, with
 * or without the dash) or a single group (the first or the last). Returns the keys and heads to
 * look up and the hint to match; everything empty when the text cannot be part of a key.
 */
export function readKeySearch(input: string, prefix: string): { keys: string[]; heads: string[]; hint: string | null } {
  const key = normalizeLicenseKey(input).replace(/\s+/g, "");
  if (FULL_KEY.test(key)) return { keys: [key], heads: [], hint: null };
  if (GROUPS_ONLY.test(key)) return { keys: [`${prefix}-${key}`], heads: [], hint: null };
  const compact = COMPACT_KEY.exec(key);
  if (compact) return { keys: [`${compact[1] || prefix}-${groupsOf(compact[2]!)}`], heads: [], hint: null };
  const head = HEAD.exec(key);
  if (head) return { keys: [], heads: [`${head[1]}-${head[2]}`], hint: key.includes("-") ? head[2]! : null };
  if (GROUP.test(key)) return { keys: [], heads: [`${prefix}-${key}`], hint: key };
  return { keys: [], heads: [], hint: HINT.exec(key)?.[1] ?? null };
}

// Ill-formed text (NUL, lone surrogates) cannot match anything and PostgreSQL would refuse it: ignored like other malformed values.
const text = (max: number) => wellFormedText({ max }).optional().catch(undefined);

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

/** A full key (ours, or an imported one as typed) finds at most one license by hash; a start of a key by its head hash; a group by the hint. */
function keyWhere(input: string): Prisma.LicenseWhereInput {
  const secrets = runtimeKeys();
  const { keys, heads, hint } = readKeySearch(input, secrets.prefix);
  // The typed text itself is a candidate too: an imported key of another format (a Lemon Squeezy
  // UUID, say) is found by its exact hash, as the license API finds it.
  const fullKeys = [...new Set([...keys, input.trim()])];
  const any: Prisma.LicenseWhereInput[] = [
    ...fullKeys.map((key) => ({ keyHash: hashLicenseKey(key, secrets.hmacKey) })),
    ...heads.map((head) => ({ keyHeadHash: hashLicenseKeyHead(head, secrets.hmacKey) })),
    ...(hint ? [{ keyHint: hint }] : []),
  ];
  // Not a key nor part of one: nothing can match, say so rather than list everything.
  return any.length ? { OR: any } : { id: { in: [] } };
}

/**
 * Licenses of the plan with this slug, filtered by plan_id: the plan is looked up first, because a
 * join on plans.slug leaves PostgreSQL unable to read licenses(plan_id, created_at) in list order,
 * and it sorted the whole plan (seconds with 10⁶ licenses). No such plan: nothing matches.
 */
export async function planWhere(slug: string): Promise<Prisma.LicenseWhereInput> {
  const plan = await prisma().plan.findUnique({ where: { slug }, select: { id: true } });
  return plan ? { planId: plan.id } : { id: { in: [] } };
}

/**
 * The lists' order, newest first. Also given to their capped counts: Prisma orders a count's
 * `take` subquery by id otherwise, which made PostgreSQL read and sort every matching row
 * (a million) instead of stopping at the cap along an index in this order.
 */
export const NEWEST_FIRST = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.LicenseOrderByWithRelationInput[];

export async function searchLicenses(search: LicenseSearch, now = new Date()): Promise<Page<AdminLicense>> {
  const filters: Prisma.LicenseWhereInput[] = [];
  if (search.key) filters.push(keyWhere(search.key));
  if (search.email) filters.push({ user: { email: containsText(search.email) } });
  if (search.status) filters.push(statusWhere(search.status, now));
  if (search.plan) filters.push(await planWhere(search.plan));
  const where: Prisma.LicenseWhereInput = { AND: filters };
  const [rows, total] = await Promise.all([
    prisma().license.findMany({
      where,
      // Only machines without a deactivation can hold a seat; the history is not needed for a count.
      include: { ...LICENSE_INCLUDE, machines: { where: { deactivatedAt: null } } },
      orderBy: NEWEST_FIRST,
      skip: (search.page - 1) * LICENSES_PER_PAGE,
      take: LICENSES_PER_PAGE,
    }),
    prisma().license.count({ where, orderBy: NEWEST_FIRST, take: COUNT_CAP + 1 }),
  ]);
  return pageOf(
    rows.map((row) => adminLicense(row, row.machines, now)),
    total,
    search.page,
    LICENSES_PER_PAGE,
  );
}
