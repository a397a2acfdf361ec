// An audit entry's `data` as sentences a person reads at a glance
// ("expiry 2027-11-30 → 2027-12-30") instead of the raw JSON the writers store.
// Writers record `{changes: {field: {from, to}}, ...context}` (lib/admin/license-changes.ts,
// lib/payments/webhooks/license-changes.ts, the catalogue actions); anything else
// is shown as `name: value` pairs, so no entry is ever hidden.

/** What a field is called in the console, where its database name is not plain English. */
const FIELD_NAMES: Record<string, string> = {
  expiresAt: "expiry",
  maxMachines: "seats",
  statusReason: "reason",
  durationDays: "duration (days)",
  heartbeatSeconds: "heartbeat (s)",
  offlineGraceDays: "offline grace (days)",
  expirationStrategy: "after expiry",
  stripePriceId: "Stripe price",
  priceCents: "price (minor units)",
  billingInterval: "billing interval",
  archivedAt: "archived",
  via: "via",
  event: "Stripe event",
  to: "to",
  count: "count",
};

const ISO_INSTANT = /^(\d{4,}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2}(\.\d+)?)?Z$/;

/** One value as text: instants as UTC dates (with the time unless it is midnight), null as "none". */
export function auditValue(value: unknown): string {
  if (value === null || value === undefined) return "none";
  if (typeof value === "string") {
    const instant = ISO_INSTANT.exec(value);
    if (instant) {
      const [, day, time, seconds] = instant;
      return time === "00:00" && !seconds?.replace(/[:.0]/g, "") ? `${day}` : `${day} ${time} UTC`;
    }
    return value === "" ? "empty" : value;
  }
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.map(auditValue).join(", ");
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    // Machines and similar records: their most telling field, not a JSON dump.
    for (const key of ["fingerprint", "email", "slug", "name", "id"]) if (typeof record[key] === "string") return record[key] as string;
    return JSON.stringify(value);
  }
  return String(value);
}

function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function isChange(value: unknown): value is { from?: unknown; to?: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("from" in value || "to" in value);
}

/**
 * The lines the console's audit table shows for an entry's `data`: one per changed field
 * (`"seats 3 → 5"`), then one per other piece of context (`"via: console"`). Never throws,
 * whatever the stored JSON holds; `[]` when there is nothing to say.
 */
export function describeAuditData(data: unknown): string[] {
  if (data === null || data === undefined) return [];
  if (typeof data !== "object" || Array.isArray(data)) return [auditValue(data)];
  const lines: string[] = [];
  const { changes, ...context } = data as Record<string, unknown>;
  if (changes && typeof changes === "object" && !Array.isArray(changes)) {
    for (const [key, change] of Object.entries(changes as Record<string, unknown>)) {
      lines.push(isChange(change) ? `${fieldName(key)} ${auditValue(change.from)} → ${auditValue(change.to)}` : `${fieldName(key)}: ${auditValue(change)}`);
    }
  } else if (changes !== undefined) {
    context.changes = changes;
  }
  for (const [key, value] of Object.entries(context)) lines.push(`${fieldName(key)}: ${auditValue(value)}`);
  return lines;
}
