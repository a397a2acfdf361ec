// POST /api/v1/admin/licenses/import and GET /api/v1/admin/export/{licenses|customers|machines}:
// moving licenses in from another system and out to any other (lib/transfer).
import { ApiError, parseJsonBody } from "../http/errors";
import { jsonResponse, type ApiResponse } from "../http/types";
import { EXPORT_KINDS, exportForActor } from "../transfer/export";
import { importLicenses } from "../transfer/import";
import { exportKind, importBody } from "../transfer/schemas";
import type { AdminContext } from "./context";
import { exportQuery, parseQuery } from "./schemas";

/** `200 {created, unchanged, errors: [{index, message}]}`; the items' own results stay with the console. */
export async function importLicensesHandler({ req, actor }: AdminContext): Promise<ApiResponse> {
  const { licenses } = parseJsonBody(req.body, importBody);
  const { created, unchanged, errors } = await importLicenses(licenses, { actor, ip: req.ip });
  return jsonResponse(200, { created, unchanged, errors });
}

/**
 * The file of one export (`?format=json|csv`, `keys=true` to include license keys). Every
 * export is audited (`export.<kind>`, with whether keys were included), since it carries
 * customers' addresses, and with keys, secrets.
 */
export async function exportHandler({ req, actor }: AdminContext, [kind = ""]: string[]): Promise<ApiResponse> {
  // The path names the resource: an unknown kind is a 404, not a 400.
  const parsed = exportKind.safeParse(kind);
  if (!parsed.success) throw new ApiError("NOT_FOUND", `Nothing to export as "${kind}": use ${EXPORT_KINDS.join(", ")}`);
  const { format, keys } = parseQuery(req.query, exportQuery);
  const file = await exportForActor(parsed.data, format, keys, { actor, ip: req.ip });
  return {
    status: 200,
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename="${file.filename}"`,
      "Cache-Control": "no-store",
    },
    body: Buffer.from(file.body),
  };
}
