// The shapes of the license API contract (docs: /work/shared/API.md, served as /api/v1/openapi.json),
// restated here so the SDK stands alone.

/**
 * The server's validation codes, in the order it checks them; activation adds TOO_MANY_MACHINES and
 * TRIAL_ALREADY_USED (this machine held a free trial of the product before: a trial license refuses it).
 */
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

export const VALIDATION_CODES: readonly ValidationCode[] = [
  "VALID",
  "NOT_FOUND",
  "REVOKED",
  "SUSPENDED",
  "EXPIRED",
  "PRODUCT_MISMATCH",
  "HEARTBEAT_DEAD",
  "NO_MACHINE",
  "MACHINE_MISMATCH",
  "ENTITLEMENTS_MISSING",
  "TOO_MANY_MACHINES",
  "TRIAL_ALREADY_USED",
];

/**
 * Codes the SDK adds when it cannot rely on a fresh server answer.
 * - `UNREACHABLE`: no (signed) answer from the server and no usable cached answer.
 * - `GRACE_EXPIRED`: the server is unreachable and the cached answer's offline grace has ended.
 * - `CLOCK_ROLLBACK`: the computer's clock is earlier than a time already seen (offline checks).
 * - `CLOCK_SKEW`: the server's signed `Date` is more than the allowed skew from this computer's clock.
 * - `UNTRUSTED_RESPONSE`: an answer failed verification (signature, digest, key id, nonce, replay):
 *   tampering or a wrong pinned key. Never replaced by the cache.
 * - `BAD_REQUEST`, `RATE_LIMITED`, `FORBIDDEN`, `NOT_ACTIVE`, `SERVER_ERROR`: signed error answers.
 */
export type ClientCode =
  | "UNREACHABLE"
  | "GRACE_EXPIRED"
  | "CLOCK_ROLLBACK"
  | "CLOCK_SKEW"
  | "UNTRUSTED_RESPONSE"
  | "BAD_REQUEST"
  | "RATE_LIMITED"
  | "FORBIDDEN"
  | "NOT_ACTIVE"
  | "SERVER_ERROR";

export type LicenseStatusName = "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED";

/** The contract's `license` object. */
export type LicenseInfo = {
  id: string;
  product: string;
  plan: string;
  status: LicenseStatusName;
  expiresAt: string | null;
  maxMachines: number;
  activeMachines: number;
  floating: boolean;
  entitlements: string[];
  offlineGraceDays: number;
};

/** The contract's `machine` object. */
export type MachineInfo = {
  id: string;
  fingerprint: string;
  name: string | null;
  activatedAt: string;
  lastSeenAt: string;
  heartbeatDeadline: string | null;
};

/** The body of validate, activate, heartbeat (and of refusals of offline). */
export type ValidationBody = {
  valid: boolean;
  code: ValidationCode;
  detail: string;
  license: LicenseInfo | null;
  machine: MachineInfo | null;
  meta: { ts: string; nonce: string | null };
};

/** Where a check's verdict came from. */
export type CheckSource = "server" | "cache" | "offline-file" | "none";

/** The result of validate, activate and heartbeat, online or offline. */
export type LicenseCheck = {
  /** The one thing to act on: may the application run? */
  valid: boolean;
  code: ValidationCode | ClientCode;
  /** A sentence for people: the server's `detail`, or why the SDK decided as it did. */
  message: string;
  source: CheckSource;
  license: LicenseInfo | null;
  machine: MachineInfo | null;
  /** The HTTP status of the server's answer, when there was one. */
  httpStatus: number | null;
  /** The signed server time of the answer relied on (fresh or cached). */
  serverTime: Date | null;
  /**
   * When offline use ends if the server stays unreachable: the grace end of the answer relied on
   * (or the offline file's expiry). Null when not valid.
   */
  validUntil: Date | null;
  /** Why the server was not used, when the verdict comes from the cache. */
  offlineReason: string | null;
};

export type DeactivateResult =
  | { ok: true }
  | { ok: false; code: ClientCode | "NOT_ACTIVE"; message: string; httpStatus: number | null };

export type OfflineCheckout =
  | { ok: true; certificate: string; expiresAt: Date; license: LicenseInfo }
  | { ok: false; code: ValidationCode | ClientCode; message: string; httpStatus: number | null };

/** What `GET /api/v1/public-key` answers. */
export type PublicKeyInfo = { keyid: string; algorithm: "ed25519"; publicKey: string };

export type UpdatePlatform = "darwin" | "linux" | "windows" | "any";
export type UpdateArch = "x64" | "arm64" | "universal" | "any";
export type UpdateChannel = "stable" | "beta" | "alpha";

export type UpdateCheckOptions = {
  /** The running application's version (SemVer); only newer releases are offered. */
  currentVersion: string;
  /** Default: this process's platform (win32 → windows). */
  platform?: UpdatePlatform;
  /** Default: this process's architecture. */
  arch?: UpdateArch;
  /** Default "stable"; "beta" also offers stable releases, "alpha" all three. */
  channel?: UpdateChannel;
  /** Send this machine's fingerprint (default true): only an activated machine is offered downloads. */
  withFingerprint?: boolean;
};

/** One downloadable file of an update; `url` works until `expiresAt` (10 minutes). */
export type ReleaseArtifact = {
  filename: string;
  platform: string;
  arch: string;
  /** bytes */
  size: number;
  /** hex */
  sha256: string;
  /** hex */
  sha512: string | null;
  /** the updater signature the vendor uploaded (e.g. Tauri's), if any */
  signature: string | null;
  url: string;
  expiresAt: Date;
};

export type ReleaseUpdate = {
  version: string;
  channel: string;
  notes: string | null;
  publishedAt: Date;
  artifacts: ReleaseArtifact[];
};

export type UpdateCheck =
  | { ok: true; update: ReleaseUpdate | null }
  | { ok: false; code: ValidationCode | ClientCode; message: string; httpStatus: number | null };
