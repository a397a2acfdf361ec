// POST /api/auth/* in front of Auth.js. A sign-in started by posting to Auth.js's own email endpoint
// (`/api/auth/signin/nodemailer`, as Auth.js's pages and clients do) gets the same checks and the same
// answers as the portal's form: one well-formed address, or `/signin?error=EmailInvalid`; over the email
// budget, `/signin?error=EmailRateLimited&retryAfter=<seconds>` instead of Auth.js's "Configuration" error.
import { parseEmailAddress } from "../http/input";
import { clientIpFromHeaders } from "../http/next-adapter";
import { SignInEmailLimited } from "./sign-in-limits";
import { captureSignInOutcome } from "./sign-in-outcome";

const EMAIL_SIGN_IN = /\/api\/auth\/signin\/(nodemailer|email)\/?$/;

function redirectTo(request: Request, search: Record<string, string>): Response {
  const url = new URL("/signin", request.url);
  for (const [name, value] of Object.entries(search)) url.searchParams.set(name, value);
  // Auth.js's own client asks for the target as JSON instead of a redirect.
  if (request.headers.get("x-auth-return-redirect")) return Response.json({ url: url.pathname + url.search });
  return new Response(null, { status: 303, headers: { Location: url.pathname + url.search, "Cache-Control": "no-store" } });
}

/** Wraps Auth.js's POST handler. */
export function authPost<R extends Request>(handler: (request: R) => Promise<Response>) {
  return async (request: R): Promise<Response> => {
    if (!EMAIL_SIGN_IN.test(new URL(request.url).pathname)) return handler(request);
    let email: unknown;
    try {
      email = (await request.clone().formData()).get("email");
    } catch {
      email = null;
    }
    if (typeof email !== "string" || !parseEmailAddress(email)) return redirectTo(request, { error: "EmailInvalid" });
    const { value, error, refusal } = await captureSignInOutcome(clientIpFromHeaders(request.headers), () => handler(request));
    if (refusal instanceof SignInEmailLimited) return redirectTo(request, { error: "EmailRateLimited", retryAfter: String(refusal.retryAfterSeconds) });
    if (refusal) return redirectTo(request, { error: "EmailInvalid" });
    if (error) throw error;
    return value!;
  };
}
