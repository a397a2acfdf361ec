// What the license page shows, computed from the same decision functions the
// license API answers with, so the portal never disagrees with what the
// customer's application is told (seats, heartbeat, status).
import { effectiveStatus, isMachineLive, type LicenseSnapshot, type LicenseStatus, type MachineSnapshot } from "../licensing/decision";

export type HeartbeatState = { state: "alive"; until: Date } | { state: "missed"; since: Date | null } | null;

export type PortalMachine = {
  id: string;
  label: string;
  name: string | null;
  platform: string | null;
  hostname: string | null;
  activatedAt: Date;
  lastSeenAt: Date;
  deactivatedAt: Date | null;
  /** floating plans only: a machine past its deadline holds no seat until it checks in again */
  heartbeat: HeartbeatState;
  holdsSeat: boolean;
  /** live, but the license has fewer seats than live machines (seats or plan changed): waits for a free seat */
  waitsForSeat: boolean;
};

export type OfflineAvailability = { allowed: true; graceDays: number } | { allowed: false; reason: string };

/** How people tell machines apart: the name the app sent, else its host name, else a short id. */
export function machineLabel(m: Pick<MachineSnapshot, "id" | "name" | "hostname">): string {
  return m.name?.trim() || m.hostname?.trim() || `Machine ${m.id.slice(0, 8)}`;
}

function heartbeatState(machine: MachineSnapshot, license: LicenseSnapshot, now: Date): HeartbeatState {
  if (!license.floating || machine.deactivatedAt) return null;
  if (machine.heartbeatDeadline && machine.heartbeatDeadline > now) return { state: "alive", until: machine.heartbeatDeadline };
  return { state: "missed", since: machine.heartbeatDeadline };
}

/** `seated`: the ids of the license's seat holders (decision.ts seatHolders). */
export function portalMachine(machine: MachineSnapshot, license: LicenseSnapshot, seated: ReadonlySet<string>, now: Date): PortalMachine {
  const holdsSeat = seated.has(machine.id);
  return {
    id: machine.id,
    label: machineLabel(machine),
    name: machine.name,
    platform: machine.platform,
    hostname: machine.hostname,
    activatedAt: machine.activatedAt,
    lastSeenAt: machine.lastSeenAt,
    deactivatedAt: machine.deactivatedAt,
    heartbeat: heartbeatState(machine, license, now),
    holdsSeat,
    waitsForSeat: !holdsSeat && isMachineLive(machine, license, now),
  };
}

/** Mirrors the refusals of POST /api/v1/licenses/offline, in words for the page. */
export function offlineAvailability(license: LicenseSnapshot, machines: PortalMachine[], now: Date): OfflineAvailability {
  if (license.offlineGraceDays <= 0) return { allowed: false, reason: "Your plan does not include offline license files." };
  const status: LicenseStatus = effectiveStatus(license, now);
  if (status !== "ACTIVE") return { allowed: false, reason: "Offline license files are only issued while the license is active." };
  if (!machines.some((m) => m.holdsSeat)) {
    return { allowed: false, reason: "A file is made for one activated machine: activate the application first." };
  }
  return { allowed: true, graceDays: license.offlineGraceDays };
}
