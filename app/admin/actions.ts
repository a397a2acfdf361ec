"use server";

// The console's server actions: the table in lib/admin/console-actions.ts, built
// with this request's session, address and cache. Each entry checks the session
// and the admin role itself; nothing here relies on the page having checked.
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { consoleActions } from "@/lib/admin/console-actions";
import { currentUser } from "@/lib/auth/session";
import { clientIpFromHeaders } from "@/lib/http/next-adapter";

const actions = consoleActions({
  getUser: currentUser,
  clientIp: async () => clientIpFromHeaders(await headers()),
  // Every console page reads live data: refresh them all after any change.
  afterChange: () => revalidatePath("/admin", "layout"),
  redirect: (url) => redirect(url),
});

export const issueLicense = actions.issueLicense;
export const suspendLicense = actions.suspendLicense;
export const reinstateLicense = actions.reinstateLicense;
export const revokeLicense = actions.revokeLicense;
export const setLicenseExpiry = actions.setLicenseExpiry;
export const extendLicense = actions.extendLicense;
export const changeLicensePlan = actions.changeLicensePlan;
export const changeLicenseSeats = actions.changeLicenseSeats;
export const deactivateMachine = actions.deactivateMachine;
export const resetMachines = actions.resetMachines;
export const resendKeyEmail = actions.resendKeyEmail;
export const revealLicenseKey = actions.revealLicenseKey;
export const changeLicenseOwner = actions.changeLicenseOwner;
export const regenerateLicenseKey = actions.regenerateLicenseKey;
export const createProduct = actions.createProduct;
export const createRelease = actions.createRelease;
export const setReleaseStatus = actions.setReleaseStatus;
export const updateProduct = actions.updateProduct;
export const archiveProduct = actions.archiveProduct;
export const restoreProduct = actions.restoreProduct;
export const createPlan = actions.createPlan;
export const updatePlan = actions.updatePlan;
export const archivePlan = actions.archivePlan;
export const restorePlan = actions.restorePlan;
export const deletePlan = actions.deletePlan;
export const setEntitlementNames = actions.setEntitlementNames;
export const updateStoreSettings = actions.updateStoreSettings;
export const rerunStripeEvent = actions.rerunStripeEvent;
export const createApiToken = actions.createApiToken;
export const revokeApiToken = actions.revokeApiToken;
export const createWebhookEndpoint = actions.createWebhookEndpoint;
export const updateWebhookEndpoint = actions.updateWebhookEndpoint;
export const enableWebhookEndpoint = actions.enableWebhookEndpoint;
export const disableWebhookEndpoint = actions.disableWebhookEndpoint;
export const sendWebhookTest = actions.sendWebhookTest;
export const deleteWebhookEndpoint = actions.deleteWebhookEndpoint;
export const retryWebhookDelivery = actions.retryWebhookDelivery;
export const resendEmail = actions.resendEmail;
