import { currentUser } from "@/lib/auth/session";
import { checkoutStatus } from "@/lib/payments/checkout";
import { otherMethods } from "@/lib/http/route-methods";

export const dynamic = "force-dynamic";

// Polled by the success page until the webhook has minted the license. It says
// only whether the license exists and whether it belongs to the viewer.
export async function GET(request: Request) {
  const sessionId = new URL(request.url).searchParams.get("session_id") ?? "";
  if (!/^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId)) {
    return Response.json({ error: { code: "BAD_REQUEST", message: "session_id is required" } }, { status: 400 });
  }
  const user = await currentUser();
  return Response.json(await checkoutStatus(sessionId, user?.id ?? null), { headers: { "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
