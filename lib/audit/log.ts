// The audit log: who did what to which object, when, from where. Writers pass
// their transaction so the entry commits or rolls back with the change itself.
import type { Prisma } from "../generated/prisma/client";

export type Actor =
  | { type: "user"; id: string; label: string }
  | { type: "admin_token"; id: string; label: string }
  | { type: "env_token" }
  | { type: "stripe"; id: string }
  | { type: "system" };

export type AuditEntry = {
  actor: Actor;
  action: string;
  target: { type: string; id?: string | null };
  ip?: string | null;
  data?: Prisma.InputJsonValue;
};

type AuditWriter = { auditLog: { create: (args: { data: Prisma.AuditLogCreateInput }) => Promise<unknown> } };

export async function writeAudit(tx: AuditWriter, entry: AuditEntry): Promise<void> {
  const { actor } = entry;
  await tx.auditLog.create({
    data: {
      actorType: actor.type,
      actorId: "id" in actor ? actor.id : null,
      actorLabel: actor.type === "user" || actor.type === "admin_token" ? actor.label : actor.type === "env_token" ? "ADMIN_API_TOKEN" : null,
      action: entry.action,
      targetType: entry.target.type,
      targetId: entry.target.id ?? null,
      ip: entry.ip ?? null,
      data: entry.data,
    },
  });
}
