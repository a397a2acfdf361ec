import type { Actor } from "../audit/log";

/** The signed-in customer as the audit log records them. */
export type PortalUser = { id: string; email: string };

export const auditActor = (user: PortalUser): Actor => ({ type: "user", id: user.id, label: user.email });
