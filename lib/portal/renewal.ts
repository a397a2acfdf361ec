// Cancel at period end, and resume: the customer's own control over a subscription's renewal.
// Stripe holds the truth (subscription.cancel_at_period_end, set here through the SDK); the license's
// copy is written at once, in the same way the webhook (customer.subscription.updated) writes it,
// so the page shows the change without waiting for the event, and the event then changes nothing.
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { componentLogger } from "../logging/logger";
import { stripe } from "../payments/stripe-client";
import { isMissingStripeObject, isStripeUnavailable, isStripeRefusal } from "../payments/stripe-errors";
import { recordLicenseChanges } from "../webhooks/record";
import { auditActor, type PortalUser } from "./actor";
import { parseId } from "./ids";

export type RenewalResult = { ok: true; licenseId: string; cancelAtPeriodEnd: boolean } | { ok: false; message: string };

const NOT_FOUND: RenewalResult = { ok: false, message: "Unknown license." };

/**
 * Sets whether the subscription of one of `user`'s licenses ends at its period's end
 * (`cancel: true`) or renews (`cancel: false`, "Resume"). Only a subscription license that has not
 * ended may change; asking for the state it is already in succeeds without calling Stripe.
 * Audited ("license.renewal", the customer and `ip`), and a `license.updated` webhook event is recorded
 * with the change unless Stripe's webhook wrote it first. Once Stripe has accepted, the result is
 * `ok` even if that record cannot be written (logged instead; the webhook then writes the license).
 * @returns `{ok: false, message}` for another customer's license, a license without subscription, an
 *   ended one, or a subscription Stripe no longer knows or refuses to change (never throws for those).
 */
export async function setRenewal(user: PortalUser, licenseIdInput: unknown, cancel: boolean, ip: string | null): Promise<RenewalResult> {
  const licenseId = parseId(licenseIdInput);
  if (!licenseId) return NOT_FOUND;
  const license = await prisma().license.findFirst({ where: { id: licenseId, userId: user.id } });
  if (!license) return NOT_FOUND;
  if (!license.stripeSubscriptionId) return { ok: false, message: "This license is not a subscription: it does not renew." };
  if (license.status === "EXPIRED" || license.status === "REVOKED") {
    return { ok: false, message: "This subscription has ended. Buy the plan again to get a new license." };
  }
  if (license.cancelAtPeriodEnd === cancel) return { ok: true, licenseId, cancelAtPeriodEnd: cancel };

  try {
    await stripe().subscriptions.update(license.stripeSubscriptionId, { cancel_at_period_end: cancel });
  } catch (error) {
    if (isMissingStripeObject(error)) {
      return { ok: false, message: "Our payment provider does not know this subscription any more. Please contact us." };
    }
    if (isStripeRefusal(error)) {
      componentLogger("payments").warn({ err: error, licenseId }, "Stripe refused to change a subscription's renewal");
      return { ok: false, message: "This subscription cannot be changed any more (it may have ended). Reload the page to see its state." };
    }
    if (isStripeUnavailable(error)) {
      return { ok: false, message: "Our payment provider is not answering right now. Nothing was changed; try again in a few minutes." };
    }
    throw error;
  }

  // Stripe has changed by now. Ownership was checked before asking it, so the row is locked by id
  // alone (a gift accepted meanwhile does not undo what Stripe did). Were this transaction to fail
  // (the database gone), the webhook writes the row later; the customer must not be told the change
  // failed, so the request goes to the log instead of the audit.
  await prisma().$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ cancel_at_period_end: boolean }[]>`
      SELECT cancel_at_period_end FROM licenses WHERE id = ${licenseId}::uuid FOR UPDATE`;
    if (rows.length === 0) return;
    // The customer's request is audited even when Stripe's webhook (customer.subscription.updated)
    // wrote the license's copy first: Stripe changed because of it. Only the row and the
    // license.updated event are left to whichever of the two writes first, so neither repeats.
    await writeAudit(tx, {
      actor: auditActor(user),
      action: "license.renewal",
      target: { type: "license", id: licenseId },
      ip,
      data: { via: "portal", cancelAtPeriodEnd: cancel, subscription: license.stripeSubscriptionId },
    });
    if (rows[0]!.cancel_at_period_end === cancel) return;
    await tx.license.update({ where: { id: licenseId }, data: { cancelAtPeriodEnd: cancel } });
    await recordLicenseChanges(tx, licenseId, { cancelAtPeriodEnd: { from: !cancel, to: cancel } });
  }).catch((error: unknown) =>
    componentLogger("payments").error(
      { err: error, userId: user.id, licenseId, ip, cancelAtPeriodEnd: cancel },
      "a renewal change Stripe accepted could not be recorded; its webhook will write the license",
    ),
  );
  return { ok: true, licenseId, cancelAtPeriodEnd: cancel };
}
