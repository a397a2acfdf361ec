// Helpers for the console's tests: sessions without a request, an admin as
// requireAdmin would hand it out, and a fingerprint of the database to prove
// that a refused action changed nothing.
import { randomBytes } from "node:crypto";
import type { SessionUser } from "../auth/session";
import { db, prisma } from "../db/client";
import { requireAdmin, type ActionDeps, type ConsoleAdmin } from "./guard";

export async function createUser(role: "ADMIN" | "CUSTOMER", email = `${role.toLowerCase()}-${randomBytes(4).toString("hex")}@example.com`): Promise<SessionUser> {
  const user = await prisma().user.create({ data: { email, role } });
  return { id: user.id, email: user.email, isAdmin: role === "ADMIN" };
}

/** The admin through the real guard, with a fake session. */
export async function consoleAdmin(): Promise<ConsoleAdmin> {
  const user = await createUser("ADMIN");
  return requireAdmin("/admin", async () => user);
}

export class RedirectedTo extends Error {
  constructor(readonly url: string) {
    super(`redirect to ${url}`);
  }
}

/** Action dependencies for a caller; `changes` counts afterChange calls. */
export function fakeDeps(user: SessionUser | null, ip = "192.0.2.10"): ActionDeps & { changes: number } {
  const deps = {
    changes: 0,
    getUser: async () => user,
    clientIp: async () => ip,
    afterChange: () => {
      deps.changes++;
    },
    redirect: (url: string): never => {
      throw new RedirectedTo(url);
    },
  };
  return deps;
}

const TABLES = [
  "users",
  "products",
  "plans",
  "licenses",
  "machines",
  "payments",
  "stripe_events",
  "audit_logs",
  "api_tokens",
  "entitlement_names",
  "store_settings",
  "webhook_endpoints",
  "webhook_deliveries",
  "email_messages",
  "job_outbox",
];

/** One hash per table over every row, so any insert, update or delete shows. */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await db().query(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${table} t`);
    out[table] = rows[0].h;
  }
  return out;
}

export async function auditEntries(action: string, targetId?: string) {
  return prisma().auditLog.findMany({ where: { action, ...(targetId ? { targetId } : {}) }, orderBy: { id: "asc" } });
}

export function form(fields: Record<string, string | number | undefined>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) data.set(name, String(value));
  return data;
}
