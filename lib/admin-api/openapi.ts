// The admin API in the OpenAPI document: request bodies and queries are the schemas the handlers parse with
// (schemas.ts), response bodies are described here in zod and tied to the types the handlers build.
import { z } from "zod";
import { ADMIN_SECURITY, adminErrors, errorExample, errorResponse, instantOut, sameType } from "../api-docs/common";
import { defineOperations } from "../api-docs/registry";
import { licenseExample, licenseSchema, licenseStatusSchema } from "../licensing/api/openapi";
import { idempotencyKeySchema } from "./idempotency";
import type { AdminLicense, AdminMachine } from "./license-view";
import type { adminPlan } from "./plans";
import type { adminProduct } from "./products";
import { createLicenseSchema, createPlanSchema, createProductSchema, listCustomersQuery, listLicensesQuery, listPlansQuery, slug, updateLicenseSchema, updatePlanSchema } from "./schemas";

// ---------------------------------------------------------------- response schemas

const lsId = z.int().nullable();

const productSchema = z
  .object({
    id: z.guid(),
    slug: z.string(),
    name: z.string(),
    number: z.int().meta({ description: "Stable numeric id (the Lemon Squeezy-compatible API's default `product_id`)." }),
    description: z.string().nullable(),
    lemonSqueezyStoreId: lsId.meta({ description: "Answered as `meta.store_id` by the Lemon Squeezy-compatible API; `null`: 1." }),
    lemonSqueezyProductId: lsId.meta({ description: "Answered as `meta.product_id`; `null`: `number`." }),
    archivedAt: instantOut().nullable(),
    createdAt: instantOut(),
  })
  .meta({ id: "Product" });
sameType<z.output<typeof productSchema>, ReturnType<typeof adminProduct>>();

const planSchema = z
  .object({
    id: z.guid(),
    product: z.string().meta({ description: "Product slug." }),
    slug: z.string(),
    name: z.string(),
    maxMachines: z.int(),
    durationDays: z.int().nullable(),
    entitlements: z.array(z.string()),
    floating: z.boolean(),
    heartbeatSeconds: z.int(),
    offlineGraceDays: z.int(),
    reminderDays: z.int().meta({ description: "Days before a license ends that its customer is reminded by email; `0`: never." }),
    expirationStrategy: z.enum(["RESTRICT", "MAINTAIN"]),
    stripePriceId: z.string().nullable(),
    trialDays: z.int().nullable().meta({ description: "Days of free trial offered; `null`: none." }),
    number: z.int().meta({ description: "Stable numeric id (the Lemon Squeezy-compatible API's default `variant_id`)." }),
    description: z.string().nullable(),
    priceCents: z.int().nullable().meta({ description: "The pricing page's price, in the currency's minor units." }),
    currency: z.string(),
    billingInterval: z.string().nullable().meta({ description: "`month` or `year` for subscriptions; `null`: a one-time price." }),
    sortOrder: z.int(),
    lemonSqueezyVariantId: lsId.meta({ description: "Answered as `meta.variant_id`; `null`: `number`." }),
    archivedAt: instantOut().nullable(),
    createdAt: instantOut(),
  })
  .meta({ id: "Plan" });
sameType<z.output<typeof planSchema>, ReturnType<typeof adminPlan>>();

const customerSchema = z
  .object({
    id: z.guid(),
    number: z.int().meta({ description: "Stable numeric id (`meta.customer_id` of the Lemon Squeezy-compatible API)." }),
    email: z.string(),
    name: z.string().nullable(),
    createdAt: instantOut(),
    licenses: z.int().min(0).meta({ description: "How many licenses the customer has." }),
  })
  .meta({ id: "Customer" });

const createdLicenseSchema = z
  .object({
    id: z.guid(),
    key: z.string().meta({ description: "The full key: shown here once; lists only show `keyHint`." }),
    license: licenseSchema,
  })
  .meta({ id: "CreatedLicense" });

export const adminLicenseSchema = z
  .object({
    id: z.guid(),
    email: z.string().meta({ description: "The owner's email, lower-case." }),
    product: z.string(),
    plan: z.string(),
    status: licenseStatusSchema,
    expiresAt: instantOut().nullable().meta({ description: "`null`: perpetual." }),
    keyHint: z.string().meta({ description: "The key's last group, to tell licenses apart." }),
    maxMachines: z.int(),
    activeMachines: z.int(),
    createdAt: instantOut().meta({ description: "When the license was issued." }),
    trial: z.boolean().meta({
      description: "A free trial (the pricing page's \"Start free trial\" or a Stripe subscription trial); buying a plan of its product converts it, same key.",
    }),
    trialEndsAt: instantOut().nullable().meta({ description: "When the trial ends (its `expiresAt`); `null` when `trial` is false." }),
  })
  .meta({ id: "AdminLicense", description: "A license in admin lists: never the full key." });
sameType<z.output<typeof adminLicenseSchema>, AdminLicense>();

export const adminMachineSchema = z
  .object({
    id: z.guid(),
    fingerprint: z.string(),
    name: z.string().nullable(),
    platform: z.string().nullable(),
    activatedAt: instantOut().meta({ description: "When the machine first took, or last retook, a seat." }),
    lastSeenAt: instantOut().meta({ description: "The last request from it." }),
    heartbeatDeadline: instantOut().nullable().meta({ description: "Floating plans only." }),
    deactivatedAt: instantOut().nullable().meta({ description: "Set when the machine was deactivated; `null` while it is active." }),
  })
  .meta({ id: "AdminMachine" });
sameType<z.output<typeof adminMachineSchema>, AdminMachine>();

const adminLicenseListSchema = z
  .object({
    data: z.array(adminLicenseSchema).meta({ description: "Newest first, at most `limit` of them." }),
    total: z.int().min(0).meta({ description: "How many licenses match, across all pages, counted up to 10,000." }),
    totalCapped: z.literal(true).optional().meta({ description: "Present when more than 10,000 match: `total` is then 10,000, a lower bound." }),
  })
  .meta({ id: "AdminLicenseList" });

const adminLicenseDetailSchema = z
  .object({
    license: adminLicenseSchema,
    machines: z.array(adminMachineSchema).meta({ description: "Deactivated machines included." }),
  })
  .meta({ id: "AdminLicenseDetail" });

const deactivatedMachineSchema = z.object({ deactivated: z.literal(true), machine: adminMachineSchema }).meta({ id: "AdminDeactivatedMachine" });

// ---------------------------------------------------------------- parameters

const LICENSE_ID = licenseExample.id;
const MACHINE_ID = "3b241101-e2bb-4255-8caf-4136c566a962";
const licenseId = z.guid().meta({ description: "License id. An id that is not a UUID answers `404`.", examples: [LICENSE_ID] });
const machineId = z.guid().meta({ description: "Machine id.", examples: [MACHINE_ID] });
const planSlug = slug.meta({ description: "Plan slug. One that names no plan answers `404`.", examples: ["zenpad-pro"] });

// ---------------------------------------------------------------- examples

const adminLicenseExample: AdminLicense = {
  id: LICENSE_ID,
  email: "ada@example.com",
  product: "zenpad",
  plan: "zenpad-pro",
  status: "ACTIVE",
  expiresAt: "2027-03-01T00:00:00.000Z",
  keyHint: "B5N8Z",
  maxMachines: 3,
  activeMachines: 1,
  createdAt: "2026-03-01T08:59:12.000Z",
  trial: false,
  trialEndsAt: null,
};

const adminMachineExample: AdminMachine = {
  id: MACHINE_ID,
  fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  name: "Ada's MacBook Pro",
  platform: "darwin-arm64",
  activatedAt: "2026-03-01T09:00:00.000Z",
  lastSeenAt: "2026-03-03T10:15:00.000Z",
  heartbeatDeadline: null,
  deactivatedAt: null,
};

const productExample: ReturnType<typeof adminProduct> = {
  id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  slug: "zenpad",
  name: "ZenPad",
  number: 1,
  description: null,
  lemonSqueezyStoreId: null,
  lemonSqueezyProductId: null,
  archivedAt: null,
  createdAt: "2026-03-01T08:00:00.000Z",
};

const planExample: ReturnType<typeof adminPlan> = {
  id: "6ecd8c99-4036-403d-bf84-cf8400f67836",
  product: "zenpad",
  slug: "zenpad-pro",
  name: "Pro",
  maxMachines: 3,
  durationDays: 365,
  entitlements: ["export-pdf", "sync"],
  floating: false,
  heartbeatSeconds: 600,
  offlineGraceDays: 7,
  reminderDays: 7,
  expirationStrategy: "RESTRICT",
  stripePriceId: "price_1QxYzA2eZvKYlo2C",
  trialDays: null,
  number: 1,
  description: null,
  priceCents: 4900,
  currency: "usd",
  billingInterval: "year",
  sortOrder: 0,
  lemonSqueezyVariantId: null,
  archivedAt: null,
  createdAt: "2026-03-01T08:00:00.000Z",
};

const adminLicenseDetail = { license: adminLicenseExample, machines: [adminMachineExample] };
const licenseNotFound = errorResponse("No such license.", errorExample("NOT_FOUND", "The license does not exist"));
const admin = { tags: ["Admin"] as [string], security: ADMIN_SECURITY };

export const adminApiOperations = defineOperations([
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/products",
    operationId: "createProduct",
    summary: "Create a product",
    description: "Adds a product to the catalogue. Recorded in the audit log.",
    request: {
      body: createProductSchema.meta({ id: "CreateProductRequest" }),
      bodyExamples: { product: { summary: "A new product", value: { slug: "zenpad", name: "ZenPad" } } },
    },
    responses: {
      "201": {
        description: "Created.",
        schema: productSchema,
        examples: { product: { summary: "The product", value: productExample } },
      },
      "409": errorResponse("The slug is already in use.", errorExample("CONFLICT", 'The product slug "zenpad" is already in use')),
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/plans",
    operationId: "createPlan",
    summary: "Create a plan",
    description: "Adds a plan to a product. Plan slugs are unique across all products. Recorded in the audit log.",
    request: {
      body: createPlanSchema.meta({ id: "CreatePlanRequest" }),
      bodyExamples: {
        plan: {
          summary: "A yearly plan for three machines",
          value: { product: "zenpad", slug: "zenpad-pro", name: "Pro", maxMachines: 3, durationDays: 365, entitlements: ["export-pdf", "sync"], offlineGraceDays: 7, stripePriceId: "price_1QxYzA2eZvKYlo2C" },
        },
        floating: {
          summary: "A perpetual floating plan",
          value: { product: "zenpad", slug: "zenpad-team", name: "Team", maxMachines: 10, durationDays: null, entitlements: ["sync"], floating: true, heartbeatSeconds: 600 },
        },
      },
    },
    responses: {
      "201": {
        description: "Created.",
        schema: planSchema,
        examples: {
          plan: { summary: "The plan", value: planExample },
        },
      },
      "409": errorResponse("The plan slug or the Stripe price is already in use.", errorExample("CONFLICT", 'The plan slug "zenpad-pro" is already in use')),
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "patch",
    path: "/api/v1/admin/plans/{slug}",
    operationId: "updatePlan",
    summary: "Update a plan",
    description:
      "Changes any of a plan's fields (the same bounds and meanings as `POST /plans`); its product and slug are fixed. Only the fields given change; " +
      "a body with none of them answers `400`, and repeating a change is a no-op. The plan's licenses follow new seats, duration and entitlements " +
      "at their next validation; a change of `floating` starts or ends their machines' heartbeats. Changes are recorded in the audit log.",
    request: {
      params: z.object({ slug: planSlug }),
      body: updatePlanSchema.meta({ id: "UpdatePlanRequest", description: "Only the fields given change." }),
      bodyExamples: {
        reminder: { summary: "Remind customers two weeks before the end", value: { reminderDays: 14 } },
        seats: { summary: "Five seats and a new feature", value: { maxMachines: 5, entitlements: ["export-pdf", "sync", "teams"] } },
      },
    },
    responses: {
      "200": {
        description: "The plan after the change.",
        schema: planSchema,
        examples: { plan: { summary: "The plan", value: { ...planExample, reminderDays: 14 } } },
      },
      "404": errorResponse("No such plan.", errorExample("NOT_FOUND", "The plan does not exist")),
      "409": errorResponse("The Stripe price is sold by another plan.", errorExample("CONFLICT", 'The Stripe price "price_1QxYzA2eZvKYlo2C" is already in use')),
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/licenses",
    operationId: "createLicense",
    summary: "Issue a license",
    description:
      "Mints a license on a plan for a customer, creating the customer's account when needed. The full key is returned only here. Recorded in the audit log. " +
      "Send an `Idempotency-Key` so that a retry cannot issue a second license.",
    request: {
      body: createLicenseSchema.meta({ id: "CreateLicenseRequest" }),
      bodyExamples: {
        license: { summary: "A license on the Pro plan", value: { plan: "zenpad-pro", email: "ada@example.com" } },
        custom: { summary: "With its own expiry and seats", value: { plan: "zenpad-pro", email: "ada@example.com", expiresAt: "2027-03-01T00:00:00.000Z", maxMachines: 5 } },
      },
      headers: z.object({
        "Idempotency-Key": idempotencyKeySchema.optional().meta({
          description:
            "Optional, 1–255 visible ASCII characters (an order id, a job run id). A retry with the same key and body answers `201` with the license the first request issued " +
            "(same id and key) instead of issuing another; the same key with another body answers `409`. Keys are per caller (token) and remembered for 24 hours.",
          examples: ["order-1001"],
        }),
      }),
    },
    responses: {
      "201": {
        description: "Issued.",
        schema: createdLicenseSchema,
        examples: {
          license: { summary: "The new license", value: { id: LICENSE_ID, key: "ZP-A3K2P-X9M4Q-R7T2W-B5N8Z", license: { ...licenseExample, activeMachines: 0 } } },
        },
        headers: {
          "Idempotent-Replayed": {
            description: "`true` when the answer is that of an earlier request with the same `Idempotency-Key`: no new license was issued.",
            schema: z.literal("true"),
          },
        },
      },
      "409": errorResponse(
        "The `Idempotency-Key` was already used with another request body.",
        errorExample("CONFLICT", "This Idempotency-Key was already used for a different request"),
      ),
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/licenses",
    operationId: "listLicenses",
    summary: "List licenses",
    description: "Licenses matching every filter given; an empty value counts as absent. Lists never contain full keys, only `keyHint`.",
    request: { query: listLicensesQuery },
    responses: {
      "200": {
        description: "The matching licenses.",
        schema: adminLicenseListSchema,
        examples: { list: { summary: "One match", value: { data: [adminLicenseExample], total: 1 } } },
      },
      ...adminErrors("query"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/licenses/{id}",
    operationId: "getLicense",
    summary: "Get a license",
    description: "One license with all its machines, deactivated ones included. An id that is not a UUID answers `404`.",
    request: { params: z.object({ id: licenseId }) },
    responses: {
      "200": {
        description: "The license and its machines.",
        schema: adminLicenseDetailSchema,
        examples: { license: { summary: "A license with one machine", value: adminLicenseDetail } },
      },
      "404": licenseNotFound,
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "patch",
    path: "/api/v1/admin/licenses/{id}",
    operationId: "updateLicense",
    summary: "Update a license",
    description:
      "Suspends, revokes or reinstates a license, changes its expiry or seats, moves it to another plan, or gives it to another customer " +
      "(`email`: created when new; the key and its machines stay). Only the fields given change; " +
      "a body with none of them answers `400`, and repeating a change is a no-op. Changes are recorded in the audit log.",
    request: {
      params: z.object({ id: licenseId }),
      body: updateLicenseSchema.meta({ id: "UpdateLicenseRequest", description: "Only the fields given change." }),
      bodyExamples: {
        suspend: { summary: "Suspend", value: { status: "SUSPENDED" } },
        extend: { summary: "Extend and add seats", value: { expiresAt: "2028-03-01T00:00:00.000Z", maxMachines: 5 } },
        owner: { summary: "Change the owner", value: { email: "grace@example.com" } },
      },
    },
    responses: {
      "200": {
        description: "The license after the change, with its machines (as `GET`).",
        schema: adminLicenseDetailSchema,
        examples: { license: { summary: "The suspended license", value: { ...adminLicenseDetail, license: { ...adminLicenseExample, status: "SUSPENDED" } } } },
      },
      "404": licenseNotFound,
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "delete",
    path: "/api/v1/admin/licenses/{id}/machines/{machineId}",
    operationId: "deactivateLicenseMachine",
    summary: "Deactivate a machine",
    description: "Frees the seat a machine holds; its row stays, with `deactivatedAt` set. Recorded in the audit log.",
    request: { params: z.object({ id: licenseId, machineId }) },
    responses: {
      "200": {
        description: "Deactivated.",
        schema: deactivatedMachineSchema,
        examples: {
          deactivated: { summary: "Deactivated", value: { deactivated: true, machine: { ...adminMachineExample, deactivatedAt: "2026-03-04T16:20:00.000Z" } } },
        },
      },
      "404": errorResponse("No such license, or no active machine with this id on it.", errorExample("NOT_FOUND", "The machine does not exist or is already deactivated")),
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/products",
    operationId: "listProducts",
    summary: "List products",
    description: "Every product, archived ones included, by slug.",
    responses: {
      "200": {
        description: "The products.",
        schema: z.object({ data: z.array(productSchema) }).meta({ id: "ProductList" }),
        examples: { list: { summary: "One product", value: { data: [productExample] } } },
      },
      ...adminErrors("none"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/plans",
    operationId: "listPlans",
    summary: "List plans",
    description: "Every plan, or those of one product, by product and pricing-page order.",
    request: { query: listPlansQuery },
    responses: {
      "200": {
        description: "The plans.",
        schema: z.object({ data: z.array(planSchema) }).meta({ id: "PlanList" }),
        examples: { list: { summary: "One plan", value: { data: [planExample] } } },
      },
      ...adminErrors("query"),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/customers",
    operationId: "listCustomers",
    summary: "List customers",
    description: "Customers (every account), newest first, with how many licenses each has. `email` is an exact, case-insensitive match, never a pattern.",
    request: { query: listCustomersQuery },
    responses: {
      "200": {
        description: "The customers.",
        schema: z
          .object({ data: z.array(customerSchema), total: z.int().min(0).meta({ description: "How many match, across all pages." }) })
          .meta({ id: "CustomerList" }),
        examples: {
          list: {
            summary: "One customer",
            value: { data: [{ id: "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", number: 6, email: "ada@example.com", name: "Ada", createdAt: "2026-03-01T08:59:12.000Z", licenses: 1 }], total: 1 },
          },
        },
      },
      ...adminErrors("query"),
    },
  },
]);
