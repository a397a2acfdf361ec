// The email admins get when an endpoint is disabled for failing every attempt
// for 3 days (API.md "Outbound webhooks"), queued in the transaction that
// disables it.
import { sqlQuery, type Tx } from "../db/sql";
import { enqueueEmail } from "../email/outbox";
import { parseEmailAddress } from "../http/input";
import { portalUrl } from "../portal/snippet";

/** Everyone who is an admin: users with the ADMIN role and the addresses in ADMIN_EMAILS, each once. */
export async function adminEmailAddresses(tx: Tx): Promise<string[]> {
  const rows = await sqlQuery<{ email: string }>(tx, `SELECT email FROM users WHERE role = 'ADMIN'`);
  // ADMIN_EMAILS read as lib/auth/roles.ts reads it: each entry in its identity form, non-addresses skipped.
  const fromEnv = (process.env.ADMIN_EMAILS ?? "").split(",").flatMap((e) => parseEmailAddress(e) ?? []);
  return [...new Set([...rows.map((r) => r.email), ...fromEnv])];
}

export async function notifyAdminsOfDisabledEndpoint(tx: Tx, endpoint: { id: string; url: string; failingSince: Date }): Promise<void> {
  const page = `${portalUrl()}/admin/webhooks/${endpoint.id}`;
  const text = [
    `The webhook endpoint ${endpoint.url} has failed every delivery attempt since ${endpoint.failingSince.toISOString()} and was disabled.`,
    "",
    "No further events are sent to it. Fix the receiver, then enable the endpoint again in the console;",
    `its pending deliveries resume and failed ones can be retried: ${page}`,
    "",
  ].join("\n");
  for (const to of await adminEmailAddresses(tx)) {
    await enqueueEmail(tx, { kind: "webhook_endpoint_disabled", to, subject: `Webhook endpoint disabled: ${endpoint.url}`, text });
  }
}
