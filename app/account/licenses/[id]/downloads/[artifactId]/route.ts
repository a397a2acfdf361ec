// GET /account/licenses/<id>/downloads/<artifactId>: the portal's download
// button. Checks the session, ownership and the license's access to the file,
// then redirects to a fresh expiring link (/api/v1/downloads/<token>). Anything
// that is not the customer's answers 404, like a missing id.
import { currentUser } from "@/lib/auth/session";
import { parseId } from "@/lib/portal/ids";
import { portalDownloadPath } from "@/lib/releases/portal";
import { otherMethods } from "@/lib/http/route-methods";

const notFound = () => new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

export async function GET(_request: Request, ctx: { params: Promise<{ id: string; artifactId: string }> }): Promise<Response> {
  const { id, artifactId } = await ctx.params;
  const licenseId = parseId(id);
  const artifact = parseId(artifactId);
  if (!licenseId || !artifact) return notFound();
  const user = await currentUser();
  if (!user) {
    const back = encodeURIComponent(`/account/licenses/${licenseId}`);
    return new Response(null, { status: 303, headers: { Location: `/signin?callbackUrl=${back}`, "Cache-Control": "no-store" } });
  }
  const path = await portalDownloadPath(user.id, licenseId, artifact);
  if (!path) return notFound();
  // Relative: request.url may carry the internal host behind a proxy.
  return new Response(null, { status: 303, headers: { Location: path, "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
