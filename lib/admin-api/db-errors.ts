// Recognising a unique-constraint violation, however it reaches us: Prisma's
// P2002, or the PostgreSQL SQLSTATE 23505 that the pg driver adapter may carry
// in `meta.driverAdapterError` or a `cause` chain. Relying on the database (not
// a SELECT first) is what makes "duplicate slug → 409" hold under concurrency.

/** True when `error` or anything it wraps is a unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  return walk(error).some(
    (e) => e.code === "P2002" || e.code === "23505" || e.originalCode === "23505" || e.kind === "UniqueConstraintViolation",
  );
}

/**
 * The columns or constraint named by the violation, joined as one lower-case
 * string ("" when nothing names them), to tell e.g. a slug from a Stripe price id.
 */
export function uniqueViolationTarget(error: unknown): string {
  const names: unknown[] = [];
  for (const e of walk(error)) {
    const meta = e.meta as Record<string, unknown> | undefined;
    names.push(meta?.target, e.constraint, e.detail);
  }
  return JSON.stringify(names).toLowerCase();
}

type Loose = Record<string, unknown>;

function walk(error: unknown): Loose[] {
  const seen = new Set<object>();
  const found: Loose[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const e = pending.pop();
    if (typeof e !== "object" || e === null || seen.has(e)) continue;
    seen.add(e);
    const r = e as Loose;
    found.push(r);
    pending.push(r.cause);
    if (typeof r.meta === "object" && r.meta !== null) pending.push((r.meta as Loose).driverAdapterError);
  }
  return found;
}
