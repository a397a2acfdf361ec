// The bodies of the client endpoints, as API.md writes them.
import { licenseBody, machineBody } from "../decision";
import type { Outcome } from "../service";

export function validationBody(o: Outcome, nonce: string | undefined, now: Date) {
  return {
    valid: o.decision.valid,
    code: o.decision.code,
    detail: o.decision.detail,
    license: o.license ? licenseBody(o.license, o.machines, now) : null,
    machine: o.machine ? machineBody(o.machine, now) : null,
    meta: { ts: now.toISOString(), nonce: nonce ?? null },
  };
}

/** Refusals: 404 when the key does not exist, 403 otherwise. */
export const refusalStatus = (o: Outcome) => (o.decision.code === "NOT_FOUND" ? 404 : 403);

const SEED_REASONS: Partial<Record<string, string>> = {
  NOT_FOUND: "Invalid key",
  REVOKED: "Revoked",
  SUSPENDED: "Suspended",
  EXPIRED: "Expired",
};

/** The seed-compatible endpoint's reason strings. */
export const seedReason = (code: string) => SEED_REASONS[code] ?? "Machine mismatch";
