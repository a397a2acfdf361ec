// The storefront's words: the vendor's name (site header, page titles) and the
// landing page's headline and introduction, one row set in the console. The
// landing page is the vendor's shop window for their customers, not a pitch for
// this portal.
import { cache } from "react";
import { z } from "zod";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { text } from "../http/input";
import { adminActor, type ActionResult, type ConsoleAdmin } from "../admin/guard";

/** What the landing page and the header show. */
export type StoreSettings = { name: string; headline: string | null; description: string | null };

/** Before the vendor has said anything: a neutral name and no headline (the products speak). */
export const DEFAULT_STORE: StoreSettings = { name: "License Portal", headline: null, description: null };

/** A missing or blank optional field is "not set". */
const blankToNull = (value: unknown) => (value === undefined || (typeof value === "string" && value.trim() === "") ? null : value);

/** The console's storefront form: name required, headline and introduction optional. */
export const storeSettingsInput = z.object({
  name: text({ min: 1, max: 80 }),
  headline: z.preprocess(blankToNull, text({ max: 160 }).nullable()),
  description: z.preprocess(blankToNull, text({ max: 2000 }).nullable()),
});

/**
 * The storefront's settings, or DEFAULT_STORE while none were saved. Read once per server render:
 * the root layout, its metadata and the landing page all ask for them, and React's `cache` shares
 * the one answer within a request (outside a render, e.g. in tests and actions, it reads each time).
 */
export const storeSettings = cache(async (): Promise<StoreSettings> => {
  const row = await prisma().storeSettings.findUnique({ where: { id: 1 } });
  return row ? { name: row.name, headline: row.headline, description: row.description } : DEFAULT_STORE;
});

/** Saves the storefront's words (one row, id 1), audited as `store.update` with what changed. */
export async function updateStoreSettings(admin: ConsoleAdmin, input: z.output<typeof storeSettingsInput>, ip: string | null): Promise<ActionResult> {
  const changed = await prisma().$transaction(async (tx) => {
    // The row lock orders concurrent saves; the first save creates the row.
    const before = (await tx.$queryRaw<StoreSettings[]>`SELECT name, headline, description FROM store_settings WHERE id = 1 FOR UPDATE`)[0] ?? DEFAULT_STORE;
    const changes: Record<string, { from: string | null; to: string | null }> = {};
    for (const field of ["name", "headline", "description"] as const) {
      if (before[field] !== input[field]) changes[field] = { from: before[field], to: input[field] };
    }
    if (Object.keys(changes).length === 0) return false;
    await tx.storeSettings.upsert({ where: { id: 1 }, create: { id: 1, ...input }, update: input });
    await writeAudit(tx, { actor: adminActor(admin), action: "store.update", target: { type: "store" }, ip, data: { changes } });
    return true;
  });
  return { ok: true, message: changed ? "Storefront saved." : "Nothing changed." };
}
