import { currentUser } from "@/lib/auth/session";
import { checkoutStatus } from "@/lib/payments/checkout-session";
import { otherMethods } from "@/lib/http/route-methods";

export const dynamic = "force-dynamic";

// Polled by the success page until the webhook has minted the license. It says
// only whether the license exists and whether it belongs to the viewer, or (404,
// state "unknown") that Stripe has no such session, so the page stops waiting.
export async function GET(request: Request) {
  const sessionId = new URL(request.url).searchParams.get("session_id") ?? "";
  if (!/^cs_[A-Za-z0-9_]{1,250}$/.test(sessionId)) {
    return Response.json({ error: { code: "BAD_REQUEST", message: "session_id is required" } }, { status: 400 });
  }
  const user = await currentUser();
  const status = await checkoutStatus(sessionId, user?.id ?? null);
  if (status.state === "unknown") {
    return Response.json(
      { ...status, error: { code: "NOT_FOUND", message: "There is no checkout session with this id." } },
      { status: 404, headers: { "Cache-Control": "no-store" } },
    );
  }
  return Response.json(status, { headers: { "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
