// Mounts the admin API (lib/admin-api) in Next. All routing, authentication and
// error handling live in handleAdminApi; this file only converts Request/Response.
import { handleAdminApi } from "@/lib/admin-api/handlers";
import { isStreamingAdminRequest } from "@/lib/admin-api/releases";
import { API_BODY_LIMIT } from "@/lib/http/body";
import { toApiRequest, toWebResponse } from "@/lib/http/next-adapter";

// Every answer depends on the token and the database: never prerender or cache.
export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  // Artifact uploads stream through to storage instead of being read into memory.
  const stream = isStreamingAdminRequest(request.method, new URL(request.url).pathname);
  return toWebResponse(await handleAdminApi(await toApiRequest(request, API_BODY_LIMIT, { stream })));
}

export const GET = handle;
export const POST = handle;
export const PATCH = handle;
export const DELETE = handle;
export const PUT = handle;
