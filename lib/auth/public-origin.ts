// Auth.js builds every link and redirect (the emailed sign-in link, the callback's redirect, the
// session cookie's target) from the URL of the request it is given. Next hands route handlers a
// NextRequest whose URL is normalised: 127.0.0.1 and [::1] become "localhost" (NextURL), and next-auth's
// own AUTH_URL rewrite produces a NextRequest again, so with APP_URL=http://127.0.0.1:3000 a sign-in
// ended on http://localhost:3000, another origin, where the new session cookie is not sent. The
// auth route therefore hands Auth.js a plain Request on APP_URL's own origin.

/**
 * `request` with its origin replaced by `publicUrl`'s (AUTH_URL, else APP_URL), as a plain `Request`
 * (method, headers and body kept; Auth.js's bodies are small forms, read into memory). Unset: as is.
 */
export async function onPublicOrigin(request: Request, publicUrl = process.env.AUTH_URL || process.env.APP_URL): Promise<Request> {
  if (!publicUrl) return request;
  const target = new URL(publicUrl);
  const url = new URL(request.url);
  url.protocol = target.protocol;
  url.host = target.host;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(url.toString(), {
    method: request.method,
    headers: request.headers,
    body: hasBody ? await request.arrayBuffer() : undefined,
    redirect: "manual",
  });
}
