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
