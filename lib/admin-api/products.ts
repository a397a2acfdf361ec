// /api/v1/admin/products: create (POST) and list (GET).
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import type { Product } from "../generated/prisma/client";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import type { AdminContext } from "./context";
import { isUniqueViolation } from "./db-errors";
import { createProductSchema } from "./schemas";

/** A product as the admin API shows it (API.md: at least {id, slug, name}). */
export function adminProduct(product: Product) {
  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    number: product.number,
    description: product.description,
    lemonSqueezyStoreId: product.lemonSqueezyStoreId,
    lemonSqueezyProductId: product.lemonSqueezyProductId,
    archivedAt: product.archivedAt?.toISOString() ?? null,
    createdAt: product.createdAt.toISOString(),
  };
}

export async function createProduct({ req, actor }: AdminContext): Promise<ApiResponse> {
  const input = parseJsonBody(req.body, createProductSchema);
  try {
    const product = await prisma().$transaction(async (tx) => {
      const created = await tx.product.create({
        data: {
          slug: input.slug,
          name: input.name,
          description: input.description ?? null,
          lemonSqueezyStoreId: input.lemonSqueezyStoreId ?? null,
          lemonSqueezyProductId: input.lemonSqueezyProductId ?? null,
        },
      });
      const { id: _id, ...data } = adminProduct(created);
      await writeAudit(tx, { actor, action: "product.create", target: { type: "product", id: created.id }, ip: req.ip, data });
      return created;
    });
    return jsonResponse(201, adminProduct(product));
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError("CONFLICT", `The product slug "${input.slug}" is already in use`);
    throw error;
  }
}

/** GET /products: every product, archived ones included, by slug. */
export async function listProducts(): Promise<ApiResponse> {
  const products = await prisma().product.findMany({ orderBy: { slug: "asc" } });
  return jsonResponse(200, { data: products.map(adminProduct) });
}
