// GET /api/v1/admin/customers?email=: customers (every account), with how many licenses each has.
import { licenseCounts } from "../admin/customers";
import { prisma } from "../db/client";
import { jsonResponse, type ApiResponse } from "../http/types";
import type { AdminContext } from "./context";
import { listCustomersQuery, parseQuery } from "./schemas";

export async function listCustomers({ req }: AdminContext): Promise<ApiResponse> {
  const query = parseQuery(req.query, listCustomersQuery);
  // Exact equality of the identity form (the schema normalised it; every stored address is in it): never a pattern.
  const where = query.email ? { email: query.email } : {};
  const [users, total] = await Promise.all([
    prisma().user.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: query.limit,
      skip: query.offset,
    }),
    prisma().user.count({ where }),
  ]);
  const counts = await licenseCounts(users.map((u) => u.id));
  const data = users.map((u) => ({ id: u.id, number: u.number, email: u.email, name: u.name, createdAt: u.createdAt.toISOString(), licenses: counts.get(u.id) ?? 0 }));
  return jsonResponse(200, { data, total });
}
