// Runs an admin API handler (lib/admin-api) in-process for the console, with the
// signed-in admin as the actor: issuing a license and freeing a machine then
// follow exactly the API's rules (validation, customer lookup, license lock,
// audit entry) instead of a copy of them. The handlers take a framework-neutral
// request, so this builds one; no HTTP and no token is involved. Their errors
// (ApiError, ZodError) are thrown as they are.
import type { AdminContext } from "../admin-api/context";
import type { Actor } from "../audit/log";
import type { ApiRequest, ApiResponse } from "../http/types";

type Handler = (ctx: AdminContext, params: string[]) => Promise<ApiResponse>;

export async function callAdminApi<T>(
  handler: Handler,
  call: { actor: Actor; ip: string | null; body?: unknown; params?: string[] },
): Promise<T> {
  const req: ApiRequest = {
    method: "POST",
    path: "/admin/console",
    query: new URLSearchParams(),
    host: "admin-console",
    ip: call.ip ?? "",
    headers: {},
    body: Buffer.from(JSON.stringify(call.body ?? {})),
  };
  const res = await handler({ req, actor: call.actor }, call.params ?? []);
  return JSON.parse(res.body.toString("utf8")) as T;
}
