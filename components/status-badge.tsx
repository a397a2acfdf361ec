const styles: Record<string, string> = {
  ACTIVE: "bg-emerald-100 text-emerald-900",
  SUSPENDED: "bg-amber-100 text-amber-900",
  REVOKED: "bg-red-100 text-red-900",
  EXPIRED: "bg-slate-200 text-slate-800",
};

/** The status in words, not colour alone. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-semibold ${styles[status] ?? "bg-slate-100"}`}>
      {status.charAt(0) + status.slice(1).toLowerCase()}
    </span>
  );
}

/**
 * "Trial" beside a license's status: a free trial that ends at `endsAt` (ISO 8601, shown as the
 * badge's title and, for screen readers, in words) unless a plan of its product is bought.
 */
export function TrialBadge({ endsAt }: { endsAt: string | null }) {
  const until = endsAt ? `Free trial, ends ${endsAt.slice(0, 10)}` : "Free trial";
  return (
    <span title={until} className="inline-block rounded bg-sky-100 px-2 py-0.5 text-xs font-semibold text-sky-900">
      Trial<span className="sr-only">: {until}</span>
    </span>
  );
}
