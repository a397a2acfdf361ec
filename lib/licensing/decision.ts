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
  | "TOO_MANY_MACHINES"
  | "TRIAL_ALREADY_USED";

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
  /** a free trial license (lib/licensing/trials.ts); absent: false */
  trial?: boolean;
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

/**
 * Whether a machine is live: not deactivated and, on a floating plan, not past its
 * heartbeat deadline (its row stays; a heartbeat or activation revives it). A live
 * machine holds a seat only when it is among the first `maxMachines` live ones
 * (see {@link seatHolders}).
 */
export function isMachineLive(machine: MachineSnapshot, license: LicenseSnapshot, now: Date): boolean {
  if (machine.deactivatedAt !== null) return false;
  // An unreadable stored deadline (NaN: PostgreSQL's ±infinity) compares false: dead, never a free seat.
  return !license.floating || machine.heartbeatDeadline === null || machine.heartbeatDeadline > now;
}

/** Activation order: oldest first, ties by id, so every reader picks the same seat holders. */
function byActivation(a: MachineSnapshot, b: MachineSnapshot): number {
  const d = (a.activatedAt.getTime() || 0) - (b.activatedAt.getTime() || 0);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The machines that hold a seat (API.md "Seats after a change"): the live ones,
 * oldest activation first, at most `license.maxMachines` of them. When seats,
 * plan or floating mode change so that more machines are live than the license
 * has seats, the newest keep their rows but no seat (they validate
 * TOO_MANY_MACHINES) until an older one is deactivated or dies. Computed from
 * what the one batched read returns, so the hot path needs no extra query.
 * Ordered by activation when some machines are left out.
 */
export function seatHolders(license: LicenseSnapshot, machines: MachineSnapshot[], now: Date): MachineSnapshot[] {
  const live = machines.filter((machine) => isMachineLive(machine, license, now));
  if (live.length <= license.maxMachines) return live;
  return live.sort(byActivation).slice(0, Math.max(0, license.maxMachines));
}

/** Whether `machine` holds one of the license's seats (see {@link seatHolders}). */
export function holdsSeat(machine: MachineSnapshot, license: LicenseSnapshot, machines: MachineSnapshot[], now: Date): boolean {
  return seatHolders(license, machines, now).some((m) => m.id === machine.id);
}

/** The machines that hold a seat; what `activeMachines` counts everywhere. Same as {@link seatHolders}. */
export const activeMachines = seatHolders;

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
    const live = machines.filter((machine) => isMachineLive(machine, license, now));
    const isLive = live.some((machine) => machine.fingerprint === fingerprint);
    // On a floating plan a non-deactivated row that is not live can only mean a missed heartbeat.
    const isDead =
      !isLive && license.floating && machines.some((m) => m.fingerprint === fingerprint && m.deactivatedAt === null);
    if (isDead) return refuse("HEARTBEAT_DEAD", "The machine missed its heartbeat deadline; activate it again.");
    if (live.length === 0) return refuse("NO_MACHINE", "The license has no active machine.");
    if (!isLive) return refuse("MACHINE_MISMATCH", "The machine is not activated for this license.");
    // Live but beyond the seats (they were reduced, or the plan changed): no seat until an older machine frees one.
    if (!seatHolders(license, live, now).some((machine) => machine.fingerprint === fingerprint)) {
      return tooManyMachines(license);
    }
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

  const seated = seatHolders(license, machines, now);
  const existing = seated.find((machine) => machine.fingerprint === fingerprint);
  if (existing) return { ok: true, kind: "existing", machine: existing };
  // A live machine that is not seated is past the seats too: it waits, like a new one.
  if (seated.length >= license.maxMachines) return { ok: false, decision: tooManyMachines(license) };
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

/**
 * The contract's `machine` object for an answer to a request from this machine, at `now` (the
 * request's time, UTC). The request itself is the machine's latest sighting: `lastSeenAt` is `now`,
 * or `activatedAt` if that is later (a row this request just activated or revived carries
 * PostgreSQL's clock, a few ms ahead), so `lastSeenAt` is never before `activatedAt`. The stored
 * last-seen time is not read: the usage counters move it to the minute and without a change
 * notification, so a cached license (license-cache.ts) and one just read answer alike.
 */
export function machineBody(machine: MachineSnapshot, now: Date): MachineBody {
  return {
    id: machine.id,
    fingerprint: machine.fingerprint,
    name: machine.name,
    activatedAt: machine.activatedAt.toISOString(),
    lastSeenAt: (machine.activatedAt > now ? machine.activatedAt : now).toISOString(),
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

/**
 * Activation's refusal of a machine that held a trial license of this product before, on another
 * trial license of it (lib/licensing/trials.ts claimTrialMachine decides, under the activation lock).
 */
export function trialAlreadyUsed(): Decision {
  return refuse("TRIAL_ALREADY_USED", "This machine has used a free trial of this product already; buy a license to keep using it.");
}

function tooManyMachines(license: LicenseSnapshot): Decision {
  return refuse("TOO_MANY_MACHINES", `All ${license.maxMachines} machine seats are in use.`);
}

function refuse(code: ValidationCode, detail: string): Decision {
  return { code, valid: false, detail };
}
