// Lemon Squeezy License API answers (https://docs.lemonsqueezy.com/api/license-api):
// the result flag (`activated` / `valid` / `deactivated`), `error`, `license_key`,
// `instance` (not on deactivate) and `meta`, in that order, with Lemon Squeezy's
// statuses, timestamps and error messages, so an application written against
// Lemon Squeezy reads them unchanged.
import { activeMachines, effectiveStatus, type LicenseSnapshot, type MachineSnapshot, type ValidationCode } from "../../licensing/decision";
import type { LicenseDetails } from "./details";
import type { LemonSqueezyAction } from "./request";

export const RESULT_FLAG = { activate: "activated", validate: "valid", deactivate: "deactivated" } as const;

/** Lemon Squeezy's license key statuses. */
export type LemonSqueezyStatus = "inactive" | "active" | "expired" | "disabled";

/** Lemon Squeezy's store id when a product names none: the portal is one store. */
export const DEFAULT_STORE_ID = 1;

/** Lemon Squeezy writes instants with microseconds: `2021-01-24T14:15:07.000000Z`. */
export function lemonSqueezyTime(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/**
 * `disabled` for a suspended or revoked license (Lemon Squeezy: "manually disabled"),
 * `expired` past its expiry, else `active` with at least one machine holding a seat
 * and `inactive` without.
 */
export function lemonSqueezyStatus(license: LicenseSnapshot, machines: MachineSnapshot[], now: Date): LemonSqueezyStatus {
  const status = effectiveStatus(license, now);
  if (status === "SUSPENDED" || status === "REVOKED") return "disabled";
  if (status === "EXPIRED") return "expired";
  return activeMachines(license, machines, now).length > 0 ? "active" : "inactive";
}

export function licenseKeyObject(key: string, license: LicenseSnapshot, machines: MachineSnapshot[], details: LicenseDetails, now: Date) {
  return {
    id: details.number,
    status: lemonSqueezyStatus(license, machines, now),
    key,
    activation_limit: license.maxMachines,
    activation_usage: activeMachines(license, machines, now).length,
    created_at: lemonSqueezyTime(details.createdAt),
    expires_at: license.expiresAt ? lemonSqueezyTime(license.expiresAt) : null,
    test_mode: false,
  };
}

/** An instance is a machine; its id is the machine's fingerprint (a UUID for machines activated here). */
export function instanceObject(machine: MachineSnapshot) {
  return { id: machine.fingerprint, name: machine.name ?? "", created_at: lemonSqueezyTime(machine.activatedAt) };
}

/**
 * Each license is its own order with one item, so `order_id` and `order_item_id` are the
 * license's number; a product's or plan's Lemon Squeezy ids win over their own numbers.
 */
export function metaObject(details: LicenseDetails) {
  return {
    store_id: details.lemonSqueezyStoreId ?? DEFAULT_STORE_ID,
    order_id: details.number,
    order_item_id: details.number,
    product_id: details.lemonSqueezyProductId ?? details.productNumber,
    product_name: details.productName,
    variant_id: details.lemonSqueezyVariantId ?? details.planNumber,
    variant_name: details.planName,
    customer_id: details.customerNumber,
    customer_name: details.customerName ?? "",
    customer_email: details.customerEmail,
  };
}

export const NOT_FOUND_MESSAGE = "license_key not found.";
export const INSTANCE_NOT_FOUND_MESSAGE = "license_key instance not found.";

/** The status and message of a refusal, by the validation decision's code. */
export function refusal(code: ValidationCode, detail: string): { status: 400 | 404; error: string } {
  switch (code) {
    case "NOT_FOUND":
      return { status: 404, error: NOT_FOUND_MESSAGE };
    case "REVOKED":
    case "SUSPENDED":
      return { status: 400, error: "This license key is disabled." };
    case "EXPIRED":
      return { status: 400, error: "This license key has expired." };
    case "NO_MACHINE":
    case "MACHINE_MISMATCH":
      return { status: 404, error: INSTANCE_NOT_FOUND_MESSAGE };
    // A floating machine that missed its heartbeat with every seat taken, or one beyond the
    // seats after they were reduced: its seat is gone and no other is free.
    case "HEARTBEAT_DEAD":
    case "TOO_MANY_MACHINES":
      return { status: 400, error: "This license key has reached the activation limit." };
    // Lemon Squeezy has no trial licenses; the portal's own words, with its 400 for refusals.
    case "TRIAL_ALREADY_USED":
      return { status: 400, error: detail };
    default:
      return { status: 400, error: detail };
  }
}

/** A refusal before any license was read (bad request, rate limit, outage): flag and error only. */
export function errorBody(action: LemonSqueezyAction | null, error: string) {
  return action ? { [RESULT_FLAG[action]]: false, error } : { error };
}
