// What the vendor calls the entitlement codes of a product's plans: the pricing
// and landing pages show "Cloud sync", not "sync". Codes stay the API's truth;
// a code without a name is shown as itself.
import { z } from "zod";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
import { text } from "../http/input";
import { adminActor, type ActionResult, type ConsoleAdmin } from "../admin/guard";

/** A plan entitlement as the storefront shows it. */
export type Feature = { code: string; name: string };

const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_NAMES = 200;
/** A display name: the shared text type (lib/http/input.ts), so it is refused for what the API refuses, with its message. */
const displayName = text({ min: 1, max: 100 });

/**
 * The console's "code = Display name" lines as a map, one line a code. Blank lines are skipped;
 * a malformed line, a duplicate code, or a name the shared text type refuses (over 100 characters,
 * U+0000, an unpaired surrogate) is a zod issue naming the line and saying why.
 */
export const entitlementNameLines = z.string().transform((value, ctx) => {
  const names = new Map<string, string>();
  value.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const eq = line.indexOf("=");
    const code = eq < 0 ? "" : line.slice(0, eq).trim();
    const name = eq < 0 ? "" : line.slice(eq + 1).trim();
    const checked = displayName.safeParse(name);
    if (!CODE.test(code) || !name) ctx.addIssue({ code: "custom", message: `Line ${i + 1}: write it as code = Display name` });
    else if (!checked.success) ctx.addIssue({ code: "custom", message: `Line ${i + 1}: ${checked.error.issues[0]?.message ?? "not a valid name"}` });
    else if (names.has(code)) ctx.addIssue({ code: "custom", message: `Line ${i + 1}: "${code}" is named twice` });
    else names.set(code, checked.data);
  });
  if (names.size > MAX_NAMES) ctx.addIssue({ code: "custom", message: `At most ${MAX_NAMES} names` });
  return names;
});

/** The names per product id (product id → code → name) of the given products. */
export async function entitlementNamesOf(productIds: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const rows = productIds.length ? await prisma().entitlementName.findMany({ where: { productId: { in: [...productIds] } } }) : [];
  const out = new Map<string, Map<string, string>>();
  for (const row of rows) {
    if (!out.has(row.productId)) out.set(row.productId, new Map());
    out.get(row.productId)!.set(row.code, row.name);
  }
  return out;
}

/** Codes with their names, in the plan's order; a code the vendor did not name is its own name. */
export function featuresOf(codes: readonly string[], names: Map<string, string> | undefined): Feature[] {
  return codes.map((code) => ({ code, name: names?.get(code) ?? code }));
}

/** The names as the console's textarea shows them, one "code = Name" a line, by code. */
export function entitlementNamesText(names: Map<string, string> | undefined): string {
  return [...(names ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b)).map(([code, name]) => `${code} = ${name}`).join("\n");
}

/**
 * Replaces a product's entitlement names with `names` in one transaction, audited as
 * `product.entitlement_names` with what changed. NOT_FOUND for an unknown product.
 */
export async function setEntitlementNames(admin: ConsoleAdmin, input: { productId: string; names: Map<string, string> }, ip: string | null): Promise<ActionResult> {
  const changed = await prisma().$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM products WHERE id = ${input.productId}::uuid FOR NO KEY UPDATE`;
    if (locked.length === 0) throw new ApiError("NOT_FOUND", "The product does not exist.");
    const before = new Map((await tx.entitlementName.findMany({ where: { productId: input.productId } })).map((r) => [r.code, r.name]));
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    for (const code of new Set([...before.keys(), ...input.names.keys()])) {
      const from = before.get(code) ?? null;
      const to = input.names.get(code) ?? null;
      if (from !== to) changes[code] = { from, to };
    }
    if (Object.keys(changes).length === 0) return false;
    await tx.entitlementName.deleteMany({ where: { productId: input.productId, code: { notIn: [...input.names.keys()] } } });
    for (const [code, name] of input.names) {
      if (before.get(code) === name) continue;
      await tx.entitlementName.upsert({
        where: { productId_code: { productId: input.productId, code } },
        create: { productId: input.productId, code, name },
        update: { name },
      });
    }
    await writeAudit(tx, { actor: adminActor(admin), action: "product.entitlement_names", target: { type: "product", id: input.productId }, ip, data: { changes } });
    return true;
  });
  return { ok: true, message: changed ? "Feature names saved." : "Nothing changed." };
}
