// The console's CSV import: POST the file's raw bytes (text/csv) with ?dryRun=1 to see
// what would change, then without it to apply. Query: plan (the plan for rows that name
// none, e.g. a Lemon Squeezy export). The body is read up to CSV_IMPORT_MAX_BYTES and
// refused with 413 past that, as soon as the bytes say so (lib/http/body.ts).
import { requireAdminRequest } from "@/lib/admin/guard";
import { slug } from "@/lib/admin-api/schemas";
import { readWebBody } from "@/lib/http/body";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/route-methods";
import { CSV_IMPORT_MAX_BYTES, decodeCsvFile, importCsvFile } from "@/lib/transfer/console-import";

export const dynamic = "force-dynamic";

const MIB = 1024 * 1024;

export async function POST(request: Request): Promise<Response> {
  try {
    const { actor, ip } = await requireAdminRequest(request);
    const url = new URL(request.url);
    const plan = url.searchParams.get("plan") || undefined;
    if (plan !== undefined && !slug.safeParse(plan).success) throw new ApiError("BAD_REQUEST", `Invalid plan: ${plan}`);
    const bytes = await readWebBody(request, CSV_IMPORT_MAX_BYTES).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === "PAYLOAD_TOO_LARGE") {
        throw new ApiError("PAYLOAD_TOO_LARGE", `The file is larger than ${CSV_IMPORT_MAX_BYTES / MIB} MiB, the most one import reads: split it into smaller files`);
      }
      throw error;
    });
    const text = decodeCsvFile(bytes);
    const report = await importCsvFile(text, { defaultPlan: plan, dryRun: url.searchParams.get("dryRun") === "1", actor, ip });
    return Response.json(report, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return Response.json(json, { status, headers });
  }
}

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
