// Offline grace, as a pure function of what is cached and the clock: may the application run while the
// server cannot be reached?
//
// - The newest signed statement wins. When it is a refusal (REVOKED, SUSPENDED, EXPIRED, MACHINE_MISMATCH,
//   ...), the answer is no: an older good answer or license file never overrides it.
// - A good answer keeps the application licensed for the plan's `offlineGraceDays` after its signed
//   server time (never past the license's expiry; for a floating license never past the machine's
//   heartbeat deadline, after which the server gives the seat to someone else). A license file keeps it
//   licensed until the file's `expiresAt`. After that it fails closed.
// - The clock must not run backwards: a time before the highest time already seen (or before the
//   signed time of a cached answer) by more than the tolerance means the clock was rolled back, and
//   the answer is no until the server is reached again.
import type { LicenseInfo, MachineInfo, ValidationCode } from "./types.js";

export const DAY_MS = 86_400_000;
export const DEFAULT_CLOCK_TOLERANCE_MS = 5 * 60 * 1000;

/** A verified, signed answer of validate / activate / heartbeat, as the grace logic needs it. */
export type CachedAnswer = {
  /** The answer's signed server time (ms). */
  at: number;
  valid: boolean;
  code: ValidationCode;
  detail: string;
  license: LicenseInfo | null;
  machine: MachineInfo | null;
};

/** A verified offline license file. */
export type CachedOfflineFile = { issuedAt: number; expiresAt: number; license: LicenseInfo };

export type GraceInput = {
  answer: CachedAnswer | null;
  offlineFile: CachedOfflineFile | null;
  /** This computer's clock (ms). */
  now: number;
  /** The highest clock reading seen so far (ms; 0 when none). */
  highWater: number;
  toleranceMs?: number;
};

export type GraceCode = ValidationCode | "GRACE_EXPIRED" | "CLOCK_ROLLBACK" | "UNREACHABLE";

export type GraceDecision = {
  licensed: boolean;
  code: GraceCode;
  message: string;
  source: "cache" | "offline-file" | "none";
  /** The signed time of the statement relied on. */
  at: number | null;
  /** When offline use ends (licensed only). */
  until: number | null;
  license: LicenseInfo | null;
  machine: MachineInfo | null;
};

/** Until when a good answer keeps the application licensed without the server. */
export function answerGraceEnd(answer: CachedAnswer): number {
  const license = answer.license;
  if (!answer.valid || !license) return answer.at;
  let end = answer.at + Math.max(0, license.offlineGraceDays) * DAY_MS;
  if (license.expiresAt !== null) end = Math.min(end, Date.parse(license.expiresAt));
  const deadline = answer.machine?.heartbeatDeadline;
  if (license.floating && deadline) end = Math.min(end, Date.parse(deadline));
  return Number.isNaN(end) ? answer.at : end;
}

export function offlineFileEnd(file: CachedOfflineFile): number {
  const licenseEnd = file.license.expiresAt === null ? Infinity : Date.parse(file.license.expiresAt);
  return Math.min(file.expiresAt, Number.isNaN(licenseEnd) ? file.expiresAt : licenseEnd);
}

export function decideOffline(input: GraceInput): GraceDecision {
  const { answer, offlineFile, now } = input;
  const tolerance = input.toleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS;
  const none = { at: null, until: null, license: null, machine: null } as const;

  // Signed times are lower bounds of the true time that no one but the server can move.
  const floor = Math.max(input.highWater, answer?.at ?? 0, offlineFile?.issuedAt ?? 0);
  if (now < floor - tolerance) {
    return {
      ...none,
      licensed: false,
      code: "CLOCK_ROLLBACK",
      message: `The computer's clock reads ${iso(now)}, before ${iso(floor)} already seen: it was set back. Reconnect to the license server.`,
      source: "none",
    };
  }
  if (!answer && !offlineFile) {
    return { ...none, licensed: false, code: "UNREACHABLE", message: "The license server cannot be reached and there is no saved answer.", source: "none" };
  }

  // The newest statement decides whether the license stands at all.
  if (answer && !answer.valid && (!offlineFile || answer.at >= offlineFile.issuedAt)) {
    return {
      licensed: false,
      code: answer.code,
      message: `The license server refused this license on ${iso(answer.at)}: ${answer.detail}`,
      source: "cache",
      at: answer.at,
      until: null,
      license: answer.license,
      machine: answer.machine,
    };
  }

  const candidates: GraceDecision[] = [];
  if (answer?.valid && answer.license) {
    candidates.push({
      licensed: true,
      code: "VALID",
      message: "",
      source: "cache",
      at: answer.at,
      until: answerGraceEnd(answer),
      license: answer.license,
      machine: answer.machine,
    });
  }
  if (offlineFile) {
    candidates.push({
      licensed: true,
      code: "VALID",
      message: "",
      source: "offline-file",
      at: offlineFile.issuedAt,
      until: offlineFileEnd(offlineFile),
      license: offlineFile.license,
      machine: null,
    });
  }
  const best = candidates.sort((a, b) => (b.until ?? 0) - (a.until ?? 0))[0];
  if (best && best.until !== null && now < best.until) {
    const what = best.source === "offline-file" ? "the offline license file" : "the last answer of the license server";
    return { ...best, message: `Licensed offline by ${what} until ${iso(best.until)}.` };
  }

  const license = best?.license ?? null;
  const licenseExpiry = license?.expiresAt ? Date.parse(license.expiresAt) : NaN;
  if (!Number.isNaN(licenseExpiry) && licenseExpiry <= now) {
    return { ...none, licensed: false, code: "EXPIRED", message: `The license expired on ${iso(licenseExpiry)}.`, source: best?.source ?? "none", at: best?.at ?? null, license };
  }
  return {
    ...none,
    licensed: false,
    code: "GRACE_EXPIRED",
    message: best?.until
      ? `The license server has not been reached since ${iso(best.at ?? 0)}; offline use ended on ${iso(best.until)}. Reconnect to continue.`
      : "The license server cannot be reached and offline use is not allowed for this license.",
    source: best?.source ?? "none",
    at: best?.at ?? null,
    license,
  };
}

/** The highest clock reading seen: never moves backwards. */
export function advanceHighWater(highWater: number, now: number): number {
  return Math.max(highWater, now);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
