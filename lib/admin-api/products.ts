// POST /api/v1/admin/products
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import type { AdminContext } from "./context";
import { isUniqueViolation } from "./db-errors";
import { createProductSchema } from "./schemas";

export async function createProduct({ req, actor }: AdminContext): Promise<ApiResponse> {
  const input = parseJsonBody(req.body, createProductSchema);
  try {
    const product = await prisma().$transaction(async (tx) => {
      const created = await tx.product.create({ data: input, select: { id: true, slug: true, name: true } });
      await writeAudit(tx, {
        actor,
        action: "product.create",
        target: { type: "product", id: created.id },
        ip: req.ip,
        data: { slug: created.slug, name: created.name },
      });
      return created;
    });
    return jsonResponse(201, product);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError("CONFLICT", `The product slug "${input.slug}" is already in use`);
    throw error;
  }
}
