// The "how to activate" command on the license page. Pure, so the client
// component can fill in the key once its owner reveals it.

/** Where applications reach this portal: APP_URL, as the emails and Stripe redirects use it. */
export function portalUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.APP_URL || "http://localhost:3000").replace(/\/+$/, "");
}

/** A curl call of POST /api/v1/licenses/activate; `key` is the clear key or its masked form. */
export function activationSnippet(appUrl: string, key: string): string {
  const body = JSON.stringify({ key, fingerprint: "<a stable id of this machine>", name: "My laptop" });
  return [
    `curl -X POST ${appUrl}/api/v1/licenses/activate \\`,
    `  -H 'Content-Type: application/json' \\`,
    // Single-quoted for the shell: keys and the placeholders never contain a quote.
    `  -d '${body}'`,
  ].join("\n");
}
