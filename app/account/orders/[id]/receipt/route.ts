import { currentUser } from "@/lib/auth/session";
import { otherMethods } from "@/lib/http/route-methods";
import { receiptUrlForUser } from "@/lib/portal/orders";

export const dynamic = "force-dynamic";

// "Receipt" on the account page: Stripe's hosted invoice or charge receipt of one of the
// customer's own orders, looked up when clicked. Locations of our own pages are relative:
// request.url may carry another host name than the browser's (APP_URL's origin is the public one).
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const user = await currentUser();
  const { id } = await context.params;
  if (!user) return redirect(`/signin?callbackUrl=${encodeURIComponent("/account#orders")}`);
  const receipt = await receiptUrlForUser(user.id, id);
  if ("url" in receipt) return redirect(receipt.url);
  return redirect(`/account?receipt=${receipt.problem}#orders`);
}

function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { Location: location, "Cache-Control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
