// Audit entries as the console shows them (ids are bigint in the database).
import type { AuditLog } from "../generated/prisma/client";

export type AuditRow = {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  ip: string | null;
  data: unknown;
};

export function auditRow(row: AuditLog): AuditRow {
  return {
    id: row.id.toString(),
    at: row.at,
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    ip: row.ip,
    data: row.data,
  };
}
