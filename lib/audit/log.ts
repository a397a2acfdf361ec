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
type AuditBatchWriter = { auditLog: { createMany: (args: { data: Prisma.AuditLogCreateManyInput[] }) => Promise<unknown> } };

function row(entry: AuditEntry): Prisma.AuditLogCreateManyInput {
  const { actor } = entry;
  return {
    actorType: actor.type,
    actorId: "id" in actor ? actor.id : null,
    actorLabel: actor.type === "user" || actor.type === "admin_token" ? actor.label : actor.type === "env_token" ? "ADMIN_API_TOKEN" : null,
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id ?? null,
    ip: entry.ip ?? null,
    data: entry.data,
  };
}

export async function writeAudit(tx: AuditWriter, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({ data: row(entry) });
}

/** Many entries in one statement (a bulk import audits each license it creates). */
export async function writeAudits(tx: AuditBatchWriter, entries: AuditEntry[]): Promise<void> {
  if (entries.length > 0) await tx.auditLog.createMany({ data: entries.map(row) });
}
