// The validation decision as one pure function of (license, machines, request scope, now).
// Every client endpoint, the seed-compatible one included, goes through it, so the order of the
// checks below *is* the contract (API.md "Validation codes"): change it only together with API.md.

export type LicenseStatus = "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED";

export type ValidationCode =
  | "VALID"
  | "NOT_FOUND"
  | "REVOKED"
  | "SUSPENDED"
  | "EXPIRED"
  | "PRODUCT_MISMATCH"
  | "HEARTBEAT_DEAD"
  | "NO_MACHINE"
  | "MACHINE_MISMATCH"
  | "ENTITLEMENTS_MISSING"
  | "TOO_MANY_MACHINES";

export type LicenseSnapshot = {
  id: string;
  status: LicenseStatus;
  expiresAt: Date | null; // null: perpetual
  product: string; // slug
  plan: string; // slug
  maxMachines: number; // effective: the license's override, else the plan's
  floating: boolean;
  heartbeatSeconds: number;
  entitlements: string[];
  offlineGraceDays: number;
  /** the plan's: what an expired license keeps (absent: RESTRICT, nothing) */
  expirationStrategy?: ExpirationStrategy;
};

/** RESTRICT: an expired license gets nothing; MAINTAIN: it keeps the releases published before it expired. */
export type ExpirationStrategy = "RESTRICT" | "MAINTAIN";

export type MachineSnapshot = {
  id: string;
  fingerprint: string;
  name: string | null;
  platform: string | null;
  hostname: string | null;
  activatedAt: Date;
  lastSeenAt: Date;
  heartbeatDeadline: Date | null;
  deactivatedAt: Date | null;
};

/** `version`: the release the application runs (or wants); it matters only for the perpetual fallback. */
export type ValidationScope = { fingerprint?: string; product?: string; entitlements?: string[]; version?: string };

/** The release a request is about, as far as the decision needs it; null: no such release. */
export type ReleaseScope = { publishedAt: Date | null } | null;

export type Decision = { code: ValidationCode; valid: boolean; detail: string };

/** The contract's `license` object (API.md "Client endpoints"). */
export type LicenseBody = {
  id: string;
  product: string;
  plan: string;
  status: LicenseStatus;
  expiresAt: string | null;
  maxMachines: number;
  activeMachines: number;
  floating: boolean;
  entitlements: string[];
  offlineGraceDays: number;
};

/** The contract's `machine` object: platform and hostname stay private to the vendor. */
export type MachineBody = {
  id: string;
  fingerprint: string;
  name: string | null;
  activatedAt: string;
  lastSeenAt: string;
  heartbeatDeadline: string | null;
};

export type ActivationDecision =
  | { ok: false; decision: Decision }
  | { ok: true; kind: "existing"; machine: MachineSnapshot } // already holds a seat: idempotent
  | { ok: true; kind: "revive"; machine: MachineSnapshot } // a deactivated or heartbeat-dead row takes a seat again
  | { ok: true; kind: "new" };

/** A floating machine past its heartbeat deadline holds no seat, though its row is not deactivated. */
export function isMachineActive(machine: MachineSnapshot, license: LicenseSnapshot, now: Date): boolean {
  if (machine.deactivatedAt !== null) return false;
  return !license.floating || machine.heartbeatDeadline === null || machine.heartbeatDeadline > now;
}

export function activeMachines(license: LicenseSnapshot, machines: MachineSnapshot[], now: Date): MachineSnapshot[] {
  return machines.filter((machine) => isMachineActive(machine, license, now));
}

/** Expiry is read from the clock rather than waiting for a job to flip the stored status. */
export function effectiveStatus(license: LicenseSnapshot, now: Date): LicenseStatus {
  return license.status === "ACTIVE" && isPastExpiry(license, now) ? "EXPIRED" : license.status;
}

export function decide(input: {
  license: LicenseSnapshot | null;
  machines: MachineSnapshot[];
  scope: ValidationScope;
  now: Date;
  /** the release of `scope.version`, read by the caller only when the fallback could apply */
  release?: ReleaseScope;
}): Decision {
  const { license, machines, scope, now } = input;
  if (license === null) return refuse("NOT_FOUND", "The license key does not exist.");
  if (license.status === "REVOKED") return refuse("REVOKED", "The license has been revoked.");
  if (license.status === "SUSPENDED") return refuse("SUSPENDED", "The license is suspended.");
  if ((license.status === "EXPIRED" || isPastExpiry(license, now)) && !keepsRelease(license, input.release?.publishedAt ?? null)) {
    return refuse("EXPIRED", "The license has expired.");
  }
  if (scope.product !== undefined && scope.product !== license.product) {
    return refuse("PRODUCT_MISMATCH", `The license is for product "${license.product}", not "${scope.product}".`);
  }

  const { fingerprint } = scope;
  if (fingerprint !== undefined) {
    const active = activeMachines(license, machines, now);
    const isActive = active.some((machine) => machine.fingerprint === fingerprint);
    // On a floating plan a non-deactivated row that is not active can only mean a missed heartbeat.
    const isDead =
      !isActive && license.floating && machines.some((m) => m.fingerprint === fingerprint && m.deactivatedAt === null);
    if (isDead) return refuse("HEARTBEAT_DEAD", "The machine missed its heartbeat deadline; activate it again.");
    if (active.length === 0) return refuse("NO_MACHINE", "The license has no active machine.");
    if (!isActive) return refuse("MACHINE_MISMATCH", "The machine is not activated for this license.");
  }

  const missing = (scope.entitlements ?? []).filter((entitlement) => !license.entitlements.includes(entitlement));
  if (missing.length > 0) {
    return refuse("ENTITLEMENTS_MISSING", `The license does not grant: ${missing.join(", ")}.`);
  }
  return { code: "VALID", valid: true, detail: "The license is valid." };
}

/**
 * Whether a fingerprint may take (or already holds) a seat. Status and expiry are refused first, as in
 * `decide`. The caller must re-decide and write under a per-license lock, so seats are never exceeded.
 */
export function decideActivation(input: {
  license: LicenseSnapshot | null;
  machines: MachineSnapshot[];
  fingerprint: string;
  now: Date;
}): ActivationDecision {
  const { license, machines, fingerprint, now } = input;
  const decision = decide({ license, machines, scope: {}, now });
  if (!decision.valid || license === null) return { ok: false, decision };

  const active = activeMachines(license, machines, now);
  const existing = active.find((machine) => machine.fingerprint === fingerprint);
  if (existing) return { ok: true, kind: "existing", machine: existing };
  if (active.length >= license.maxMachines) {
    return { ok: false, decision: refuse("TOO_MANY_MACHINES", `All ${license.maxMachines} machine seats are in use.`) };
  }
  const previous = machines.find((machine) => machine.fingerprint === fingerprint);
  return previous ? { ok: true, kind: "revive", machine: previous } : { ok: true, kind: "new" };
}

/** Keys in contract order, so responses read the way API.md documents them. */
export function licenseBody(license: LicenseSnapshot, machines: MachineSnapshot[], now: Date): LicenseBody {
  return {
    id: license.id,
    product: license.product,
    plan: license.plan,
    status: effectiveStatus(license, now),
    expiresAt: license.expiresAt?.toISOString() ?? null,
    maxMachines: license.maxMachines,
    activeMachines: activeMachines(license, machines, now).length,
    floating: license.floating,
    entitlements: license.entitlements,
    offlineGraceDays: license.offlineGraceDays,
  };
}

export function machineBody(machine: MachineSnapshot): MachineBody {
  return {
    id: machine.id,
    fingerprint: machine.fingerprint,
    name: machine.name,
    activatedAt: machine.activatedAt.toISOString(),
    lastSeenAt: machine.lastSeenAt.toISOString(),
    heartbeatDeadline: machine.heartbeatDeadline?.toISOString() ?? null,
  };
}

/**
 * The perpetual fallback (API.md "Releases and downloads"): an expired license on a MAINTAIN plan keeps
 * every release published before its `expiresAt`, and nothing newer. Suspension and revocation are
 * refused before this is asked. Without an expiry instant there is nothing to compare with: no.
 */
export function keepsRelease(license: LicenseSnapshot, publishedAt: Date | null): boolean {
  return license.expirationStrategy === "MAINTAIN" && license.expiresAt !== null && publishedAt !== null && publishedAt < license.expiresAt;
}

/** Whether a refusal could turn into VALID with the release of `scope.version` known (so the caller reads it). */
export function mayFallBack(license: LicenseSnapshot | null, decision: Decision, scope: ValidationScope): boolean {
  return decision.code === "EXPIRED" && scope.version !== undefined && license?.expirationStrategy === "MAINTAIN";
}

function isPastExpiry(license: LicenseSnapshot, now: Date): boolean {
  return license.expiresAt !== null && license.expiresAt <= now;
}

function refuse(code: ValidationCode, detail: string): Decision {
  return { code, valid: false, detail };
}
