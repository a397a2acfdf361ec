// The storefront: the store's words and the names of features, as the console
// sets them and the landing and pricing pages read them.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConsoleAdmin } from "../admin/guard";
import { auditEntries, consoleAdmin } from "../admin/test-kit";
import { listPublicPlans, listPublicProducts } from "../catalog/plans";
import { prisma } from "../db/client";
import { setupTestDatabase } from "../test/database";
import { createPlan } from "../test/licenses";
import { entitlementNameLines, entitlementNamesOf, entitlementNamesText, setEntitlementNames } from "./entitlement-names";
import { DEFAULT_STORE, storeSettings, storeSettingsInput, updateStoreSettings } from "./settings";

setupTestDatabase();

let admin: ConsoleAdmin;
beforeAll(async () => {
  admin = await consoleAdmin();
});

describe("store settings", () => {
  it("are neutral until the vendor saves them, then say what the vendor wrote; each change audited once", async () => {
    expect(await storeSettings()).toEqual(DEFAULT_STORE);
    const input = storeSettingsInput.parse({ name: " Acme Tools ", headline: "Made for makers", description: "" });
    expect(input).toEqual({ name: "Acme Tools", headline: "Made for makers", description: null });
    expect((await updateStoreSettings(admin, input, "203.0.113.1")).message).toBe("Storefront saved.");
    expect(await storeSettings()).toEqual({ name: "Acme Tools", headline: "Made for makers", description: null });
    expect((await updateStoreSettings(admin, input, "203.0.113.1")).message).toBe("Nothing changed.");
    const entries = await auditEntries("store.update");
    expect(entries).toHaveLength(1);
    expect(entries[0]!.data).toEqual({ changes: { name: { from: "License Portal", to: "Acme Tools" }, headline: { from: null, to: "Made for makers" } } });
  });

  it("refuses an empty name and text the database must never hold", () => {
    for (const bad of [{ name: "" }, { name: "   " }, { name: "Ac\u0000me" }, { name: "Acme", headline: "\uD800" }, { name: "x".repeat(81) }]) {
      expect(storeSettingsInput.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("feature names", () => {
  it("reads 'code = Name' lines and says which line is wrong", () => {
    expect([...entitlementNameLines.parse("sync = Cloud sync\n\n  export=Export to PDF  \r\n")]).toEqual([
      ["sync", "Cloud sync"],
      ["export", "Export to PDF"],
    ]);
    const bad = entitlementNameLines.safeParse(`sync = Cloud sync\nno equals sign\nsync = Again\nx = \u0000\ny = ${"n".repeat(101)}`);
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.message)).toEqual([
      "Line 2: write it as code = Display name",
      'Line 3: "sync" is named twice',
      "Line 4: Must not contain U+0000 or unpaired surrogates",
      "Line 5: Must be at most 100 characters",
    ]);
  });

  it("show on the pricing page and the storefront instead of the codes; unnamed codes stay themselves", async () => {
    const plan = await createPlan({ entitlements: ["sync", "export", "beta"] });
    await prisma().plan.update({ where: { id: plan.id }, data: { stripePriceId: `price_${plan.slug}`, priceCents: 1900 } });
    const names = entitlementNameLines.parse("sync = Cloud sync\nexport = Export to PDF");
    expect((await setEntitlementNames(admin, { productId: plan.productId, names }, null)).message).toBe("Feature names saved.");
    const shown = (await listPublicPlans()).find((p) => p.slug === plan.slug)!;
    expect(shown.features).toEqual([
      { code: "sync", name: "Cloud sync" },
      { code: "export", name: "Export to PDF" },
      { code: "beta", name: "beta" },
    ]);
    const product = (await listPublicProducts()).find((p) => p.slug === plan.product.slug)!;
    expect(product.plans.map((p) => p.slug)).toEqual([plan.slug]);
    expect(entitlementNamesText((await entitlementNamesOf([plan.productId])).get(plan.productId))).toBe("export = Export to PDF\nsync = Cloud sync");
  });

  it("replaces the set in one change, audited with what changed, and a repeat changes nothing", async () => {
    const plan = await createPlan({ entitlements: ["a", "b"] });
    await setEntitlementNames(admin, { productId: plan.productId, names: new Map([["a", "Alpha"], ["b", "Beta"]]) }, null);
    await setEntitlementNames(admin, { productId: plan.productId, names: new Map([["a", "Alpha 2"]]) }, null);
    expect((await setEntitlementNames(admin, { productId: plan.productId, names: new Map([["a", "Alpha 2"]]) }, null)).message).toBe("Nothing changed.");
    expect([...(await entitlementNamesOf([plan.productId])).get(plan.productId)!]).toEqual([["a", "Alpha 2"]]);
    const entries = await auditEntries("product.entitlement_names", plan.productId);
    expect(entries.map((e) => e.data)).toEqual([
      { changes: { a: { from: null, to: "Alpha" }, b: { from: null, to: "Beta" } } },
      { changes: { a: { from: "Alpha", to: "Alpha 2" }, b: { from: "Beta", to: null } } },
    ]);
  });

  it("answers NOT_FOUND for a product that does not exist", async () => {
    await expect(setEntitlementNames(admin, { productId: "00000000-0000-4000-8000-000000000000", names: new Map() }, null)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
