// Every server action of the admin console, in one table: each is built by
// consoleAction (guard.ts), so each checks the session and the admin role and
// validates its form before calling a lib/admin function with the acting admin.
// app/admin/actions.ts builds this table with Next's request APIs; the tests
// build it with a fake session and run every entry as a customer and as nobody.
import { z } from "zod";
import { email, slug } from "../admin-api/schemas";
import { text } from "../http/input";
import { createToken, createTokenInput, revokeToken, revokeTokenInput } from "./api-tokens";
import { checkbox, confirmed, endOfDay, id, integer, optional } from "./form-fields";
import type { ConsoleAction } from "./action-state";
import { consoleActionFactory, type ActionDeps } from "./guard";
import { deactivateMachine, issueLicenseByHand, resendKeyEmail, resetMachines, revealLicenseKey } from "./license-actions";
import { changeLicenseOwner, regenerateLicenseKey } from "./license-owner-key";
import {
  changeLicensePlan,
  changeLicenseSeats,
  extendLicense,
  reinstateLicense,
  revokeLicense,
  setLicenseExpiry,
  suspendLicense,
} from "./license-changes";
import { createPlan, createPlanInput, deletePlan, deletePlanInput, planFields, setPlanArchived, updatePlan } from "./plans";
import { createProduct, createProductInput, productFields, setProductArchived, updateProduct } from "./products";
import { createReleaseByHand, createReleaseInput, releaseStatusInput, setReleaseStatus } from "./releases";
import { rerunFailedEvent } from "./stripe-events";
import { entitlementNameLines, setEntitlementNames } from "../storefront/entitlement-names";
import { resendOutboxEmail, resendOutboxEmailInput } from "./emails";
import {
  createWebhookEndpoint,
  createWebhookEndpointInput,
  deleteWebhookEndpoint,
  deleteWebhookEndpointInput,
  retryWebhookDelivery,
  retryWebhookDeliveryInput,
  sendWebhookTest,
  setWebhookEndpointEnabled,
  updateWebhookEndpoint,
  updateWebhookEndpointInput,
  webhookEndpointInput,
} from "./webhooks";
import { storeSettingsInput, updateStoreSettings } from "../storefront/settings";

const license = z.object({ licenseId: id });
const product = z.object({ productId: id });
const plan = z.object({ planId: id });

const issueLicenseInput = z
  .object({
    plan: slug,
    email,
    expiry: z.enum(["plan", "date", "perpetual"]).default("plan"),
    expiresAt: optional(endOfDay),
    maxMachines: optional(integer(1, 10_000)),
    sendEmail: checkbox,
  })
  .refine((input) => input.expiry !== "date" || input.expiresAt !== undefined, { path: ["expiresAt"], message: "Pick the expiry date" });

const expiryInput = license
  .extend({ expiresAt: optional(endOfDay), perpetual: checkbox })
  .refine((input) => input.perpetual || input.expiresAt !== undefined, { path: ["expiresAt"], message: "Pick a date, or make the license perpetual" });

export function consoleActions(deps: ActionDeps) {
  const action = consoleActionFactory(deps);
  return {
    issueLicense: action(issueLicenseInput, async (admin, input, { ip }) => {
      const issued = await issueLicenseByHand(admin, input, ip);
      const mail = issued.emailed ? "mailed" : "1";
      return { ok: true, message: "License issued.", redirectTo: `/admin/licenses/${issued.id}?issued=${mail}` };
    }),
    suspendLicense: action(license, (admin, input, { ip }) => suspendLicense(admin, input, ip)),
    reinstateLicense: action(license, (admin, input, { ip }) => reinstateLicense(admin, input, ip)),
    revokeLicense: action(license.extend({ confirm: confirmed }), (admin, input, { ip }) => revokeLicense(admin, input, ip)),
    setLicenseExpiry: action(expiryInput, (admin, input, { ip }) =>
      setLicenseExpiry(admin, { licenseId: input.licenseId, expiresAt: input.perpetual ? null : (input.expiresAt ?? null) }, ip),
    ),
    extendLicense: action(license.extend({ days: integer(1, 36_500) }), (admin, input, { ip }) => extendLicense(admin, input, ip)),
    changeLicensePlan: action(license.extend({ planId: id }), (admin, input, { ip }) => changeLicensePlan(admin, input, ip)),
    changeLicenseSeats: action(license.extend({ maxMachines: optional(integer(1, 10_000)) }), (admin, input, { ip }) =>
      changeLicenseSeats(admin, { licenseId: input.licenseId, maxMachines: input.maxMachines ?? null }, ip),
    ),
    deactivateMachine: action(license.extend({ machineId: id }), (admin, input, { ip }) => deactivateMachine(admin, input, ip)),
    resetMachines: action(license.extend({ confirm: confirmed }), (admin, input, { ip }) => resetMachines(admin, input, ip)),
    resendKeyEmail: action(license, (admin, input, { ip }) => resendKeyEmail(admin, input, ip)),
    revealLicenseKey: action(license, async (admin, input, { ip }) => ({ secret: await revealLicenseKey(admin, input, ip) })),
    changeLicenseOwner: action(license.extend({ email }), (admin, input, { ip }) => changeLicenseOwner(admin, input, ip)),
    regenerateLicenseKey: action(license.extend({ confirm: confirmed }), (admin, input, { ip }) => regenerateLicenseKey(admin, input, ip)),

    createProduct: action(createProductInput, (admin, input, { ip }) => createProduct(admin, input, ip)),
    createRelease: action(createReleaseInput, (admin, input, { ip }) => createReleaseByHand(admin, input, ip)),
    setReleaseStatus: action(releaseStatusInput, (admin, input, { ip }) => setReleaseStatus(admin, input, ip)),
    updateProduct: action(productFields.extend({ productId: id }), (admin, input, { ip }) => updateProduct(admin, input, ip)),
    archiveProduct: action(product, (admin, input, { ip }) => setProductArchived(admin, { ...input, archived: true }, ip)),
    restoreProduct: action(product, (admin, input, { ip }) => setProductArchived(admin, { ...input, archived: false }, ip)),
    createPlan: action(createPlanInput, (admin, input, { ip }) => createPlan(admin, input, ip)),
    updatePlan: action(planFields.safeExtend({ planId: id }), (admin, input, { ip }) => updatePlan(admin, input, ip)),
    archivePlan: action(plan, (admin, input, { ip }) => setPlanArchived(admin, { ...input, archived: true }, ip)),
    restorePlan: action(plan, (admin, input, { ip }) => setPlanArchived(admin, { ...input, archived: false }, ip)),
    deletePlan: action(deletePlanInput, (admin, input, { ip }) => deletePlan(admin, input, ip)),
    setEntitlementNames: action(product.extend({ names: entitlementNameLines }), (admin, input, { ip }) => setEntitlementNames(admin, input, ip)),
    updateStoreSettings: action(storeSettingsInput, (admin, input, { ip }) => updateStoreSettings(admin, input, ip)),

    rerunStripeEvent: action(z.object({ eventId: text({ min: 1, max: 255 }) }), (admin, input, { ip }) => rerunFailedEvent(admin, input, ip)),

    createApiToken: action(createTokenInput, (admin, input, { ip }) => createToken(admin, input, ip)),
    revokeApiToken: action(revokeTokenInput, (admin, input, { ip }) => revokeToken(admin, input, ip)),

    createWebhookEndpoint: action(createWebhookEndpointInput, (admin, input, { ip }) => createWebhookEndpoint(admin, input, ip)),
    updateWebhookEndpoint: action(updateWebhookEndpointInput, (admin, input, { ip }) => updateWebhookEndpoint(admin, input, ip)),
    enableWebhookEndpoint: action(webhookEndpointInput, (admin, input, { ip }) => setWebhookEndpointEnabled(admin, { ...input, enabled: true }, ip)),
    disableWebhookEndpoint: action(webhookEndpointInput, (admin, input, { ip }) => setWebhookEndpointEnabled(admin, { ...input, enabled: false }, ip)),
    sendWebhookTest: action(webhookEndpointInput, (admin, input, { ip }) => sendWebhookTest(admin, input, ip)),
    deleteWebhookEndpoint: action(deleteWebhookEndpointInput, (admin, input, { ip }) => deleteWebhookEndpoint(admin, input, ip)),
    retryWebhookDelivery: action(retryWebhookDeliveryInput, (admin, input, { ip }) => retryWebhookDelivery(admin, input, ip)),
    resendEmail: action(resendOutboxEmailInput, (admin, input, { ip }) => resendOutboxEmail(admin, input, ip)),
  } satisfies Record<string, ConsoleAction>;
}

export type ConsoleActions = ReturnType<typeof consoleActions>;
