// Products and plans from the console against a real database: every plan
// field, conflicts, archiving (off the pricing page, licenses unaffected), and
// a plan with licenses never deleted.
import { beforeAll, describe, expect, it } from "vitest";
import { listPublicPlans } from "../catalog/plans";
import { prisma } from "../db/client";
import type { ApiError } from "../http/errors";
import { validate } from "../licensing/service";
import { setupTestDatabase } from "../test/database";
import { createLicense, createPlan as createPlanFixture } from "../test/licenses";
import { getPlan, listProducts, planOptions } from "./catalog-view";
import { consoleActions } from "./console-actions";
import type { ConsoleAdmin } from "./guard";
import { createPlan, deletePlan, setPlanArchived, updatePlan } from "./plans";
import { createProduct, setProductArchived, updateProduct } from "./products";
import { auditEntries, consoleAdmin, createUser, fakeDeps, form, RedirectedTo } from "./test-kit";

setupTestDatabase();

const IP = "203.0.113.9";
let admin: ConsoleAdmin;
beforeAll(async () => {
  admin = await consoleAdmin();
});

const rejection = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e as ApiError);
const idFrom = (url: string | undefined) => url?.split("/").pop() ?? "";

describe("products", () => {
  it("creates, edits and archives a product, each audited; archiving takes its plans off sale", async () => {
    const created = await createProduct(admin, { slug: "notes", name: "Notes", description: "A notes app" }, IP);
    const productId = idFrom(created.redirectTo);
    expect(created.redirectTo).toBe(`/admin/products/${productId}`);
    expect(await prisma().product.findUnique({ where: { id: productId } })).toMatchObject({ slug: "notes", name: "Notes", description: "A notes app" });
    await createPlan(admin, { productId, slug: "notes-pro", name: "Pro", maxMachines: 1, entitlements: [], floating: false }, IP);
    expect((await listPublicPlans()).map((p) => p.slug)).toContain("notes-pro");

    expect((await updateProduct(admin, { productId, name: "Notes 2", description: undefined }, IP)).message).toBe("Product saved.");
    expect((await updateProduct(admin, { productId, name: "Notes 2", description: undefined }, IP)).message).toBe("Nothing changed.");
    expect(await prisma().product.findUnique({ where: { id: productId } })).toMatchObject({ name: "Notes 2", description: null });

    await setProductArchived(admin, { productId, archived: true }, IP);
    expect((await listPublicPlans()).map((p) => p.slug)).not.toContain("notes-pro");
    await setProductArchived(admin, { productId, archived: false }, IP);
    expect((await listPublicPlans()).map((p) => p.slug)).toContain("notes-pro");

    const actions = ["product.create", "product.update", "product.archive", "product.restore"];
    for (const action of actions) expect(await auditEntries(action, productId), action).toHaveLength(1);
    const [update] = await auditEntries("product.update", productId);
    expect(update?.data).toEqual({ changes: { name: { from: "Notes", to: "Notes 2" }, description: { from: "A notes app", to: null } } });
  });

  it("refuses a taken slug with a readable message", async () => {
    await createProduct(admin, { slug: "twice", name: "Once" }, IP);
    const error = await rejection(createProduct(admin, { slug: "twice", name: "Again" }, IP));
    expect(error?.code).toBe("CONFLICT");
    expect(error?.message).toContain('"twice"');
    expect(await prisma().product.count({ where: { slug: "twice" } })).toBe(1);
  });
});

describe("plans", () => {
  it("creates a plan from the console form with every field of the data model", async () => {
    const product = await prisma().product.create({ data: { slug: "forms", name: "Forms" } });
    const deps = fakeDeps(await createUser("ADMIN"));
    const data = form({
      productId: product.id,
      slug: "forms-team",
      name: " Team ",
      description: "For teams",
      maxMachines: "10",
      durationDays: "31",
      entitlements: "core\nsync, export\ncore",
      floating: "on",
      heartbeatSeconds: "300",
      offlineGraceDays: "0",
      reminderDays: "30",
      stripePriceId: "price_team",
      price: "29.90",
      currency: "EUR",
      billingInterval: "month",
      sortOrder: "3",
    });
    const thrown = await consoleActions(deps).createPlan({}, data).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(RedirectedTo);
    const plan = await prisma().plan.findUniqueOrThrow({ where: { slug: "forms-team" } });
    expect((thrown as RedirectedTo).url).toBe(`/admin/plans/${plan.id}`);
    expect(plan).toMatchObject({
      productId: product.id,
      name: "Team",
      description: "For teams",
      maxMachines: 10,
      durationDays: 31,
      entitlements: ["core", "sync", "export"],
      floating: true,
      heartbeatSeconds: 300,
      offlineGraceDays: 0,
      reminderDays: 30,
      stripePriceId: "price_team",
      priceCents: 2990,
      currency: "eur",
      billingInterval: "month",
      sortOrder: 3,
    });
    const [entry] = await auditEntries("plan.create", plan.id);
    expect(entry?.data).toMatchObject({ product: "forms", slug: "forms-team", priceCents: 2990, entitlements: ["core", "sync", "export"], reminderDays: 30 });
  });

  it("leaves out optional fields as the data model's defaults, and rejects bad values field by field", async () => {
    const product = await prisma().product.create({ data: { slug: "defaults", name: "Defaults" } });
    const action = consoleActions(fakeDeps(await createUser("ADMIN"))).createPlan;
    await action({}, form({ productId: product.id, slug: "defaults-basic", name: "Basic", maxMachines: "1", durationDays: "" })).catch(() => {});
    expect(await prisma().plan.findUniqueOrThrow({ where: { slug: "defaults-basic" } })).toMatchObject({
      durationDays: null,
      entitlements: [],
      floating: false,
      heartbeatSeconds: 600,
      offlineGraceDays: 7,
      reminderDays: 7,
      stripePriceId: null,
      priceCents: null,
      currency: "usd",
      billingInterval: null,
      sortOrder: 0,
    });

    const bad = await action({}, form({ productId: product.id, slug: "Bad Slug", name: "", maxMachines: "0", entitlements: "has space", heartbeatSeconds: "5", price: "12.345", billingInterval: "week" }));
    expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["billingInterval", "entitlements.0", "heartbeatSeconds", "maxMachines", "name", "price", "slug"]);

    // Reminder days: 0 (none) to 365, whole days; anything else is refused beside the field and nothing is stored.
    for (const reminderDays of ["366", "-1", "1.5", "soon"]) {
      const refused = await action({}, form({ productId: product.id, slug: "defaults-reminder", name: "R", maxMachines: "1", reminderDays }));
      expect(Object.keys(refused.fieldErrors ?? {}), reminderDays).toEqual(["reminderDays"]);
    }
    expect(await prisma().plan.count({ where: { slug: "defaults-reminder" } })).toBe(0);
    await action({}, form({ productId: product.id, slug: "defaults-reminder", name: "R", maxMachines: "1", reminderDays: "0" })).catch(() => {});
    expect(await prisma().plan.findUniqueOrThrow({ where: { slug: "defaults-reminder" } })).toMatchObject({ reminderDays: 0 });
  });

  it("refuses a plan slug used by any product and a Stripe price used by another plan", async () => {
    const existing = await createPlanFixture();
    await prisma().plan.update({ where: { id: existing.id }, data: { stripePriceId: "price_taken" } });
    const base = { productId: existing.productId, name: "X", maxMachines: 1, entitlements: [], floating: false };
    expect((await rejection(createPlan(admin, { ...base, slug: existing.slug }, IP)))?.message).toContain(`plan slug "${existing.slug}"`);
    expect((await rejection(createPlan(admin, { ...base, slug: "fresh-slug", stripePriceId: "price_taken" }, IP)))?.message).toContain('Stripe price "price_taken"');
    const other = await createPlanFixture();
    expect((await rejection(updatePlan(admin, { ...base, planId: other.id, stripePriceId: "price_taken" }, IP)))?.code).toBe("CONFLICT");
  });

  it("edits a plan, auditing only what changed; its licenses follow the new terms", async () => {
    const { plan, key } = await createLicense({ maxMachines: 1, entitlements: ["a"] });
    const fields = { name: plan.name, maxMachines: 4, entitlements: ["a", "b"], floating: false, durationDays: undefined, heartbeatSeconds: 600, offlineGraceDays: 7 };
    expect((await updatePlan(admin, { planId: plan.id, ...fields }, IP)).ok).toBe(true);
    expect((await validate(key, {})).license).toMatchObject({ maxMachines: 4, entitlements: ["a", "b"] });
    const [entry] = await auditEntries("plan.update", plan.id);
    expect(entry?.data).toEqual({ changes: { maxMachines: { from: 1, to: 4 }, entitlements: { from: ["a"], to: ["a", "b"] } } });
    expect((await updatePlan(admin, { planId: plan.id, ...fields }, IP)).message).toBe("Nothing changed.");
    expect(await auditEntries("plan.update", plan.id)).toHaveLength(1);

    // Through the console's form: the reminder days change, the other fields as they were.
    const deps = fakeDeps(await createUser("ADMIN"));
    const edit = { planId: plan.id, name: plan.name, maxMachines: "4", entitlements: "a\nb", heartbeatSeconds: "600", offlineGraceDays: "7" };
    const refused = await consoleActions(deps).updatePlan({}, form({ ...edit, reminderDays: "400" }));
    expect(refused.fieldErrors).toEqual({ reminderDays: expect.stringMatching(/365/) });
    expect(await prisma().plan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({ reminderDays: 7 });
    expect((await consoleActions(deps).updatePlan({}, form({ ...edit, reminderDays: "21" }))).message).toMatch(/^Plan saved/);
    expect(await prisma().plan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({ reminderDays: 21 });
    const latest = (await auditEntries("plan.update", plan.id)).at(-1);
    expect(latest?.data).toEqual({ changes: { reminderDays: { from: 7, to: 21 } } });
  });

  it("archives a plan: off sale, its licenses still valid; restoring puts it back", async () => {
    const { plan, key } = await createLicense();
    await setPlanArchived(admin, { planId: plan.id, archived: true }, IP);
    expect((await listPublicPlans()).map((p) => p.slug)).not.toContain(plan.slug);
    expect((await validate(key, {})).decision.code).toBe("VALID");
    expect((await planOptions()).find((o) => o.id === plan.id)).toMatchObject({ archived: true });
    await setPlanArchived(admin, { planId: plan.id, archived: false }, IP);
    expect((await listPublicPlans()).map((p) => p.slug)).toContain(plan.slug);
    expect(await auditEntries("plan.archive", plan.id)).toHaveLength(1);
    expect(await auditEntries("plan.restore", plan.id)).toHaveLength(1);
  });

  it("never deletes a plan that has licenses, even revoked ones; deletes one that never had any", async () => {
    const { plan, license } = await createLicense({ status: "REVOKED" });
    const error = await rejection(deletePlan(admin, { planId: plan.id }, IP));
    expect(error?.code).toBe("CONFLICT");
    expect(error?.message).toMatch(/1 license.*archive it instead/);
    expect(await prisma().plan.findUnique({ where: { id: plan.id } })).not.toBeNull();
    expect(await prisma().license.findUnique({ where: { id: license.id } })).not.toBeNull();
    expect((await getPlan(plan.id))?.licenseCount).toBe(1);

    const unused = await createPlanFixture();
    expect((await deletePlan(admin, { planId: unused.id }, IP)).redirectTo).toBe("/admin/products");
    expect(await prisma().plan.findUnique({ where: { id: unused.id } })).toBeNull();
    expect((await auditEntries("plan.delete", unused.id))[0]?.data).toEqual({ slug: unused.slug });
    expect(await auditEntries("plan.delete", plan.id)).toHaveLength(0);
  });

  it("lists products with their plans and license counts", async () => {
    const { plan } = await createLicense();
    const product = (await listProducts()).find((p) => p.id === plan.productId);
    expect(product?.plans).toEqual([expect.objectContaining({ id: plan.id, licenseCount: 1 })]);
  });
});
