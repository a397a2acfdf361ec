// A customer frees a seat: deactivates one machine of their own license. Under
// the same row lock on the license that activation takes (lib/licensing/store.ts
// lockLicense), so a concurrent activation sees the seat either taken or freed,
// never both; the audit entry commits with the change.
import { recordMachineEvent } from "../webhooks/record";
import { z } from "zod";
import { writeAudit } from "../audit/log";
import { prisma } from "../db/client";
import { auditActor, type PortalUser } from "./actor";
import { idSchema } from "./ids";
import { machineLabel } from "./license-view";

const deactivateInput = z.object({ licenseId: idSchema, machineId: idSchema });

export type DeactivateResult =
  | { ok: true; licenseId: string; machine: { id: string; label: string } }
  | { ok: false; code: "NOT_FOUND" | "ALREADY_INACTIVE"; message: string };

const notFound = { ok: false, code: "NOT_FOUND", message: "That machine is not on any of your licenses." } as const;

export async function deactivateMachineForUser(user: PortalUser, input: unknown, ip: string | null): Promise<DeactivateResult> {
  const parsed = deactivateInput.safeParse(input);
  if (!parsed.success) return notFound;
  const { licenseId, machineId } = parsed.data;

  return prisma().$transaction(async (tx): Promise<DeactivateResult> => {
    // Ownership is part of the lock: another customer's license is never locked, let alone changed.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM licenses WHERE id = ${licenseId}::uuid AND user_id = ${user.id}::uuid FOR UPDATE`;
    if (locked.length === 0) return notFound;

    const machine = await tx.machine.findFirst({ where: { id: machineId, licenseId } });
    if (!machine) return notFound;
    const label = machineLabel(machine);
    if (machine.deactivatedAt) {
      return { ok: false, code: "ALREADY_INACTIVE", message: `${label} was already deactivated; its seat is free.` };
    }

    const updated = await tx.machine.update({ where: { id: machineId }, data: { deactivatedAt: new Date() } });
    await recordMachineEvent(tx, "machine.deactivated", licenseId, updated);
    await writeAudit(tx, {
      actor: auditActor(user),
      action: "machine.deactivate",
      target: { type: "machine", id: machineId },
      ip,
      data: { licenseId, fingerprint: machine.fingerprint, name: machine.name, via: "portal" },
    });
    return { ok: true, licenseId, machine: { id: machineId, label } };
  });
}
