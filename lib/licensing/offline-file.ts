// The one rule for an offline license file of an active machine, used by the
// license API (POST /api/v1/licenses/offline) and the customer portal alike.
import { licenseBody, type LicenseSnapshot, type MachineSnapshot } from "./decision";
import { createOfflineCertificate } from "./offline";
import { runtimeKeys } from "./runtime-keys";

const DAY_MS = 86_400_000;

/** Valid for the plan's offline grace period, and never past the license's own expiry. */
function offlineFileExpiry(license: LicenseSnapshot, now: Date): Date {
  return new Date(Math.min(now.getTime() + license.offlineGraceDays * DAY_MS, license.expiresAt?.getTime() ?? Infinity));
}

/** The signed certificate; the caller has checked that the machine validates and the plan allows offline use. */
export function issueOfflineFile(license: LicenseSnapshot, machines: MachineSnapshot[], machine: { id: string; fingerprint: string }, now: Date) {
  const expiresAt = offlineFileExpiry(license, now);
  const certificate = createOfflineCertificate(runtimeKeys().signing, {
    license: licenseBody(license, machines, now),
    machine: { id: machine.id, fingerprint: machine.fingerprint },
    issuedAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  return { certificate, expiresAt };
}
