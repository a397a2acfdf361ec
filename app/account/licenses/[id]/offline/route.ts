// GET /account/licenses/<id>/offline?machine=<machine id>: the signed offline
// license file as a download. Checks the session and ownership itself; anything
// that is not the signed-in customer's answers 404, exactly like a missing id.
import { currentUser } from "@/lib/auth/session";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";
import { parseId } from "@/lib/portal/ids";
import { offlineFileForUser } from "@/lib/portal/offline";
import { otherMethods } from "@/lib/http/route-methods";

const text = (status: number, body: string) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

export async function GET(request: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  const licenseId = parseId(id);
  if (!licenseId) return text(404, "Not found");
  const user = await currentUser();
  if (!user) {
    // A relative Location: request.url may carry the internal host behind a proxy.
    const back = encodeURIComponent(`/account/licenses/${licenseId}`);
    return new Response(null, { status: 303, headers: { Location: `/signin?callbackUrl=${back}`, "Cache-Control": "no-store" } });
  }

  const machineId = new URL(request.url).searchParams.get("machine");
  const result = await offlineFileForUser(user, licenseId, machineId, clientIpFromHeaders(request.headers));
  if (!result.ok) return result.code === "NOT_FOUND" ? text(404, "Not found") : text(403, result.message);
  return new Response(result.certificate, {
    headers: {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${result.filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
