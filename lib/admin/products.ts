// Products in the console: create, rename/describe, archive and restore. A
// product is never deleted: plans and licenses hang off it. Archiving takes it
// and its plans off the pricing page and out of checkout (lib/catalog,
// lib/payments/checkout filter on archivedAt); its licenses keep working.
import { z } from "zod";
import { isUniqueViolation } from "../admin-api/db-errors";
import { slug } from "../admin-api/schemas";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { ApiError } from "../http/errors";
import { integer, optional, trimmed } from "./form-fields";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";

export const productFields = z.object({
  name: trimmed(200).min(1, "Give the product a name"),
  description: optional(trimmed(2000)),
  // The Lemon Squeezy store and product this product replaces: the Lemon Squeezy-compatible
  // API answers them as meta.store_id and meta.product_id, which moved applications may check.
  lemonSqueezyStoreId: optional(integer(1, 2_147_483_647)),
  lemonSqueezyProductId: optional(integer(1, 2_147_483_647)),
});
export const createProductInput = productFields.extend({ slug });

const productNotFound = () => new ApiError("NOT_FOUND", "The product does not exist.");

/**
 * Locks the product row before it is read for a change, so two admins saving at
 * once change it one after the other: each sees the other's result, and only a
 * real change is written and audited. NO KEY UPDATE: plans may still be created on it.
 */
async function lockProduct(tx: Prisma.TransactionClient, id: string): Promise<void> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM products WHERE id = ${id}::uuid FOR NO KEY UPDATE`;
  if (rows.length === 0) throw productNotFound();
}

export async function createProduct(admin: ConsoleAdmin, input: z.output<typeof createProductInput>, ip: string | null): Promise<ActionResult> {
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
      await writeAudit(tx, {
        actor: adminActor(admin),
        action: "product.create",
        target: { type: "product", id: created.id },
        ip,
        data: {
          slug: created.slug,
          name: created.name,
          description: created.description,
          lemonSqueezyStoreId: created.lemonSqueezyStoreId,
          lemonSqueezyProductId: created.lemonSqueezyProductId,
        },
      });
      return created;
    });
    return { ok: true, message: `Product ${product.name} created.`, redirectTo: `/admin/products/${product.id}` };
  } catch (error) {
    if (isUniqueViolation(error)) throw new ApiError("CONFLICT", `The product slug "${input.slug}" is already in use.`, { issues: [{ path: ["slug"], message: "Already in use." }] });
    throw error;
  }
}

export async function updateProduct(
  admin: ConsoleAdmin,
  input: z.output<typeof productFields> & { productId: string },
  ip: string | null,
): Promise<ActionResult> {
  const changed = await prisma().$transaction(async (tx) => {
    await lockProduct(tx, input.productId);
    const before = await tx.product.findUniqueOrThrow({ where: { id: input.productId } });
    const after = {
      name: input.name,
      description: input.description ?? null,
      lemonSqueezyStoreId: input.lemonSqueezyStoreId ?? null,
      lemonSqueezyProductId: input.lemonSqueezyProductId ?? null,
    };
    const changes = Object.fromEntries(
      (["name", "description", "lemonSqueezyStoreId", "lemonSqueezyProductId"] as const).filter((f) => before[f] !== after[f]).map((f) => [f, { from: before[f], to: after[f] }]),
    );
    if (Object.keys(changes).length === 0) return false;
    await tx.product.update({ where: { id: input.productId }, data: after });
    await writeAudit(tx, { actor: adminActor(admin), action: "product.update", target: { type: "product", id: input.productId }, ip, data: { changes } });
    return true;
  });
  return { ok: true, message: changed ? "Product saved." : "Nothing changed." };
}

/** archived true: off sale; false: back on sale. */
export async function setProductArchived(
  admin: ConsoleAdmin,
  input: { productId: string; archived: boolean },
  ip: string | null,
): Promise<ActionResult> {
  const changed = await prisma().$transaction(async (tx) => {
    await lockProduct(tx, input.productId);
    const before = await tx.product.findUniqueOrThrow({ where: { id: input.productId }, select: { archivedAt: true } });
    if ((before.archivedAt !== null) === input.archived) return false;
    await tx.product.update({ where: { id: input.productId }, data: { archivedAt: input.archived ? new Date() : null } });
    await writeAudit(tx, {
      actor: adminActor(admin),
      action: input.archived ? "product.archive" : "product.restore",
      target: { type: "product", id: input.productId },
      ip,
    });
    return true;
  });
  const what = input.archived ? "archived: its plans are off sale; its licenses keep working" : "restored: its plans are on sale again";
  return { ok: true, message: changed ? `Product ${what}.` : "Nothing changed." };
}
