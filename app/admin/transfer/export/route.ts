// The console's export buttons: a form POST (kind, format, keys, confirmKeys) answered with
// the file as an attachment, through the admin API's own export (lib/transfer/export.ts
// exportForActor: the same files, the same audit entry). Keys only when the form asks for
// them AND confirms it (the confirmation the page asks for before sending).
import { z } from "zod";
import { requireAdminRequest } from "@/lib/admin/guard";
import { readWebBody } from "@/lib/http/body";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/route-methods";
import { EXPORT_KINDS, exportForActor } from "@/lib/transfer/export";

export const dynamic = "force-dynamic";

const exportForm = z.object({
  kind: z.enum(EXPORT_KINDS),
  format: z.enum(["json", "csv"]),
  keys: z.literal("on").optional(),
  confirmKeys: z.string().optional(),
});

export async function POST(request: Request): Promise<Response> {
  try {
    const { actor, ip } = await requireAdminRequest(request);
    const form = exportForm.safeParse(Object.fromEntries(new URLSearchParams((await readWebBody(request, 4096)).toString("utf8"))));
    if (!form.success) throw new ApiError("BAD_REQUEST", `Invalid export: ${form.error.issues[0]!.path.join(".")}: ${form.error.issues[0]!.message}`);
    const { kind, format, keys, confirmKeys } = form.data;
    if (keys && confirmKeys !== "yes") throw new ApiError("BAD_REQUEST", "An export with license keys must be confirmed");
    const file = await exportForActor(kind, format, keys === "on", { actor, ip });
    return new Response(file.body, {
      headers: { "Content-Type": file.contentType, "Content-Disposition": `attachment; filename="${file.filename}"`, "Cache-Control": "no-store" },
    });
  } catch (error) {
    const { status, headers, json } = errorResponse(error);
    return Response.json(json, { status, headers });
  }
}

export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
