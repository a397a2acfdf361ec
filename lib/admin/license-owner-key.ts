// The console's owner and key actions on a license page: give the license to
// another customer (through the admin API's PATCH {email}, so both follow one
// rule) and replace a leaked key (lib/licensing/regenerate.ts, shared with the portal).
import { updateLicense } from "../admin-api/licenses";
import { regenerateLicenseKey as regenerate } from "../licensing/regenerate";
import { callAdminApi } from "./admin-api-bridge";
import { adminActor, type ActionResult, type ConsoleAdmin } from "./guard";

/** Moves the license to the customer of `email` (created when new); machines and key stay. */
export async function changeLicenseOwner(admin: ConsoleAdmin, input: { licenseId: string; email: string }, ip: string | null): Promise<ActionResult> {
  const detail = await callAdminApi<{ license: { email: string } }>(updateLicense, {
    actor: adminActor(admin),
    ip,
    params: [input.licenseId],
    body: { email: input.email },
  });
  return { ok: true, message: `The license now belongs to ${detail.license.email}; its key and machines are unchanged.` };
}

/** A new key (shown once here, and emailed to the owner); the old one stops working at once. */
export async function regenerateLicenseKey(admin: ConsoleAdmin, input: { licenseId: string }, ip: string | null): Promise<ActionResult> {
  const done = await regenerate({ licenseId: input.licenseId, actor: adminActor(admin), ip, via: "console" });
  return {
    ok: true,
    message: `New key issued: the old key (…${done.previousKeyHint}) no longer works, every machine kept its seat, and the new key email to ${done.emailedTo} is on its way.`,
    secret: done.key,
  };
}
