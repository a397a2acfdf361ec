// The audit log in the console: who did what to which object, when, from where,
// filtered on any of those, newest first, a page at a time.
import { z } from "zod";
import { prisma } from "../db/client";
import type { Prisma } from "../generated/prisma/client";
import { containsText, startsWithText } from "../db/like";
import { isInstantInRange, text as wellFormedText } from "../http/input";
import { auditRow, type AuditRow } from "./audit-view";
import { COUNT_CAP, pageOf, pageParam, type Page } from "./paging";

const AUDIT_PER_PAGE = 50;
export const ACTOR_TYPES = ["user", "admin_token", "env_token", "stripe", "system"] as const;

const text = (max: number) => wellFormedText({ max }).optional().catch(undefined);
// A real calendar day within years 0001-9999 (PostgreSQL has no year 0000).
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((value) => {
    const day = new Date(`${value}T00:00:00Z`);
    return isInstantInRange(day) && day.toISOString().slice(0, 10) === value;
  })
  .optional()
  .catch(undefined);

export const auditSearchSchema = z.object({
  /** a prefix: "license." finds every license action */
  action: text(100),
  actorType: z.enum(ACTOR_TYPES).optional().catch(undefined),
  /** part of the actor's label (an admin's email, a token's name) or their exact id */
  actor: text(254),
  targetType: text(50),
  targetId: text(100),
  ip: text(100),
  /** UTC calendar days, both included */
  from: date,
  to: date,
  page: pageParam,
});

export type AuditSearch = z.output<typeof auditSearchSchema>;

export async function listAudit(search: AuditSearch): Promise<Page<AuditRow>> {
  const filters: Prisma.AuditLogWhereInput[] = [];
  if (search.action) filters.push({ action: startsWithText(search.action) });
  if (search.actorType) filters.push({ actorType: search.actorType });
  if (search.actor) filters.push({ OR: [{ actorLabel: containsText(search.actor) }, { actorId: search.actor }] });
  if (search.targetType) filters.push({ targetType: search.targetType });
  if (search.targetId) filters.push({ targetId: search.targetId });
  if (search.ip) filters.push({ ip: search.ip });
  if (search.from) filters.push({ at: { gte: new Date(`${search.from}T00:00:00Z`) } });
  if (search.to) {
    const end = new Date(new Date(`${search.to}T00:00:00Z`).getTime() + 86_400_000);
    // The day after 9999-12-31 is past every instant we store: no upper bound then.
    if (isInstantInRange(end)) filters.push({ at: { lt: end } });
  }
  const where: Prisma.AuditLogWhereInput = { AND: filters };
  const [rows, total] = await Promise.all([
    prisma().auditLog.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], skip: (search.page - 1) * AUDIT_PER_PAGE, take: AUDIT_PER_PAGE }),
    prisma().auditLog.count({ where, take: COUNT_CAP + 1 }),
  ]);
  return pageOf(rows.map(auditRow), total, search.page, AUDIT_PER_PAGE);
}
