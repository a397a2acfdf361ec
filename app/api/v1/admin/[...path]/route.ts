// Mounts the admin API (lib/admin-api) in Next. All routing, authentication and
// error handling live in handleAdminApi; this file only converts Request/Response.
import { handleAdminApi } from "@/lib/admin-api/handlers";
import { toApiRequest, toWebResponse } from "@/lib/http/next-adapter";

// Every answer depends on the token and the database: never prerender or cache.
export const dynamic = "force-dynamic";

async function handle(request: Request): Promise<Response> {
  return toWebResponse(await handleAdminApi(await toApiRequest(request)));
}

export const GET = handle;
export const POST = handle;
export const PATCH = handle;
export const DELETE = handle;
// Not used by any endpoint; exported so a PUT gets the API's own 405 with `Allow`
// (after authentication) instead of Next's bare one.
export const PUT = handle;
