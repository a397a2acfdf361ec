// The signed offline license file for one active machine of the customer's own
// license: the same payload and the same refusals as POST /api/v1/licenses/offline
// (lib/licensing/api/router.ts), reached through the session instead of the key.
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { decide } from "../licensing/decision";
import { issueOfflineFile } from "../licensing/offline-file";
import { auditActor, type PortalUser } from "./actor";
import { parseId } from "./ids";
import { machineLabel } from "./license-view";
import { findOwned, snapshot } from "./licenses";

export type OfflineFileResult =
  | { ok: true; filename: string; certificate: string; expiresAt: Date }
  | { ok: false; code: "NOT_FOUND" }
  | { ok: false; code: "REFUSED"; message: string };

/** Lower-case letters, digits and dashes: safe in a Content-Disposition header and on every file system. */
function fileSlug(text: string): string {
  return (
    text
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "machine"
  );
}

export async function offlineFileForUser(
  user: PortalUser,
  licenseId: unknown,
  machineId: unknown,
  ip: string | null,
  now = new Date(),
): Promise<OfflineFileResult> {
  const machineUuid = parseId(machineId);
  const row = typeof licenseId === "string" && machineUuid ? await findOwned(user.id, licenseId) : null;
  const machine = row?.machines.find((m) => m.id === machineUuid);
  if (!row || !machine) return { ok: false, code: "NOT_FOUND" };

  const { license, machines } = snapshot(row);
  if (license.offlineGraceDays <= 0) return { ok: false, code: "REFUSED", message: "This plan does not allow offline license files." };
  const decision = decide({ license, machines, scope: { fingerprint: machine.fingerprint }, now });
  if (!decision.valid) return { ok: false, code: "REFUSED", message: decision.detail };

  const { certificate, expiresAt } = issueOfflineFile(license, machines, machine, now);
  // Not a change to the license, but a signed file that lets a machine run offline: worth knowing who took it, and from where.
  await writeAudit(prisma(), {
    actor: auditActor(user),
    action: "license.offline_file",
    target: { type: "license", id: license.id },
    ip,
    data: { machineId: machine.id, fingerprint: machine.fingerprint, expiresAt: expiresAt.toISOString(), via: "portal" },
  });
  return { ok: true, filename: `${fileSlug(license.product)}-${fileSlug(machineLabel(machine))}.lic`, certificate, expiresAt };
}
