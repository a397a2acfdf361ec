// Import and export in the OpenAPI document (API.md "Admin API additions"): the schemas
// lib/admin-api/transfer.ts parses with, and the files an export answers.
import { z } from "zod";
import { ADMIN_SECURITY, adminErrors, errorExample, errorResponse } from "../api-docs/common";
import { defineOperations } from "../api-docs/registry";
import { exportQuery } from "../admin-api/schemas";
import { exportKind, IMPORT_LIMIT, importBody, importedLicense } from "./schemas";

const admin = { tags: ["Admin"] as [string], security: ADMIN_SECURITY };

// The handler reads `licenses` as a list of anything and checks each item on its own (a bad item is an entry
// of `errors`, not a 400 for the whole call); the document shows what a good item is.
const importRequest = importBody
  .extend({ licenses: z.array(importedLicense).max(IMPORT_LIMIT).meta({ description: `Up to ${IMPORT_LIMIT} licenses; each is checked on its own.` }) })
  .meta({ id: "ImportLicensesRequest" });

const importResponse = z
  .object({
    created: z.int().min(0),
    unchanged: z.int().min(0).meta({ description: "Items whose key exists already with the same data: an import can be re-run." }),
    errors: z.array(z.object({ index: z.int().min(0), message: z.string() })).meta({ description: "Items refused, by their index in `licenses`; the others are imported." }),
  })
  .meta({ id: "ImportLicensesResponse" });

const exportRecord = z.record(z.string(), z.unknown());

export const transferOperations = defineOperations([
  {
    ...admin,
    method: "post",
    path: "/api/v1/admin/licenses/import",
    operationId: "importLicenses",
    summary: "Import licenses",
    description:
      "Licenses from another system, with their own keys (8-256 printable ASCII characters, any format), expiry, seats, status and machines, in one transaction. " +
      "Idempotent by key: a key that exists already is `unchanged`. Each imported license is audited as imported. The JSON export of licenses with keys is a valid body.",
    request: {
      body: importRequest,
      bodyExamples: {
        import: {
          summary: "One license with a machine",
          value: {
            licenses: [
              {
                plan: "zenpad-pro",
                email: "ada@example.com",
                key: "38b1460a-5104-4067-a91d-77b872934d51",
                expiresAt: "2027-03-01T00:00:00Z",
                machines: [{ fingerprint: "47596ad9-a811-4ebf-ac8a-03fc7b6d2a17", name: "Ada's MacBook Pro" }],
              },
            ],
          },
        },
      },
    },
    responses: {
      "200": { description: "What was done.", schema: importResponse, examples: { done: { summary: "One created", value: { created: 1, unchanged: 0, errors: [] } } } },
      ...adminErrors(),
    },
  },
  {
    ...admin,
    method: "get",
    path: "/api/v1/admin/export/{kind}",
    operationId: "exportRecords",
    summary: "Export licenses, customers or machines",
    description:
      "Every record of one kind as a JSON or CSV file (`Content-Disposition: attachment`). Keys are included only with `keys=true`; every export is audited. " +
      "A JSON export of licenses with keys can be imported as it is.",
    request: {
      params: z.object({ kind: exportKind }),
      query: exportQuery,
    },
    responses: {
      "200": {
        description: "The file: `{\"<kind>\": [...]}` as JSON, or CSV with a header row.",
        schema: z.record(z.string(), z.array(exportRecord)).meta({ id: "Export" }),
        examples: { customers: { summary: "Customers", value: { customers: [{ id: "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed", number: 6, email: "ada@example.com", name: "Ada", createdAt: "2026-03-01T08:59:12.000Z", licenses: 1 }] } } },
        alternatives: { "text/csv": { schema: z.string() } },
        headers: { "Content-Disposition": { description: "`attachment; filename=\"<kind>-<date>.<format>\"`.", schema: z.string() } },
      },
      "404": errorResponse("Not one of `licenses`, `customers`, `machines`.", errorExample("NOT_FOUND", 'Nothing to export as "orders": use licenses, customers, machines')),
      ...adminErrors("query"),
    },
  },
]);
