// Customers (every user account) for the console: a paged, searchable list with
// what each has bought, and one customer's licenses and payments.
import { z } from "zod";
import { adminLicense, isUuid, LICENSE_INCLUDE, type AdminLicense } from "../admin-api/license-view";
import { isAdmin } from "../auth/roles";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { minorUnits } from "../catalog/money";
import { containsText } from "../db/like";
import { text } from "../http/input";
import { COUNT_CAP, pageOf, pageParam, type Page } from "./paging";

const CUSTOMERS_PER_PAGE = 25;

export const customerSearchSchema = z.object({
  q: text({ max: 254 }).optional().catch(undefined),
  page: pageParam,
});

/** A sum of payments in minor units: a bigint, exact past 2^53 (payments.amount_cents is bigint). */
export type Money = { currency: string; amountCents: bigint };

export type CustomerRow = {
  id: string;
  email: string;
  name: string | null;
  isAdmin: boolean;
  createdAt: Date;
  licenseCount: number;
  paid: Money[];
};

/** Sums per currency: amounts in different currencies are never added together. */
async function paidBy(userIds: string[]): Promise<Map<string, Money[]>> {
  const sums = await prisma().payment.groupBy({ by: ["userId", "currency"], where: { userId: { in: userIds } }, _sum: { amountCents: true } });
  const out = new Map<string, Money[]>();
  for (const s of sums) out.set(s.userId, [...(out.get(s.userId) ?? []), { currency: s.currency, amountCents: s._sum.amountCents ?? 0n }]);
  return out;
}

/**
 * How many licenses each of these customers holds (absent: none). Counted for the page's customers
 * only, through licenses(user_id): Prisma's `_count` include grouped the whole licenses table
 * (seconds with 10⁶ licenses) before joining the page's 25 customers.
 */
export async function licenseCounts(userIds: string[]): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const groups = await prisma().license.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _count: { _all: true } });
  return new Map(groups.map((g) => [g.userId, g._count._all]));
}

export async function listCustomers(search: z.output<typeof customerSearchSchema>): Promise<Page<CustomerRow>> {
  const where: Prisma.UserWhereInput = search.q
    ? { OR: [{ email: containsText(search.q) }, { name: containsText(search.q) }] }
    : {};
  const [users, total] = await Promise.all([
    prisma().user.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (search.page - 1) * CUSTOMERS_PER_PAGE,
      take: CUSTOMERS_PER_PAGE,
    }),
    prisma().user.count({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: COUNT_CAP + 1 }),
  ]);
  const ids = users.map((u) => u.id);
  const [paid, counts] = await Promise.all([paidBy(ids), licenseCounts(ids)]);
  const rows = users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: isAdmin(u),
    createdAt: u.createdAt,
    licenseCount: counts.get(u.id) ?? 0,
    paid: paid.get(u.id) ?? [],
  }));
  return pageOf(rows, total, search.page, CUSTOMERS_PER_PAGE);
}

export type CustomerDetail = CustomerRow & {
  stripeCustomerId: string | null;
  licenses: AdminLicense[];
  payments: { id: string; licenseId: string | null; amountCents: number; currency: string; createdAt: Date; checkoutSessionId: string | null; invoiceId: string | null }[];
};

export async function getCustomer(id: string, now = new Date()): Promise<CustomerDetail | null> {
  if (!isUuid(id)) return null;
  const user = await prisma().user.findUnique({
    where: { id },
    include: {
      licenses: { include: { ...LICENSE_INCLUDE, machines: { where: { deactivatedAt: null } } }, orderBy: { createdAt: "desc" } },
      payments: { orderBy: { createdAt: "desc" } },
    },
  });
  if (!user) return null;
  const paid = (await paidBy([id])).get(id) ?? [];
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    isAdmin: isAdmin(user),
    createdAt: user.createdAt,
    stripeCustomerId: user.stripeCustomerId,
    licenseCount: user.licenses.length,
    paid,
    licenses: user.licenses.map((l) => adminLicense(l, l.machines, now)),
    payments: user.payments.map((p) => ({
      id: p.id,
      licenseId: p.licenseId,
      amountCents: minorUnits(p.amountCents),
      currency: p.currency,
      createdAt: p.createdAt,
      checkoutSessionId: p.stripeCheckoutSessionId,
      invoiceId: p.stripeInvoiceId,
    })),
  };
}
