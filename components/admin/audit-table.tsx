import Link from "next/link";
import type { ReactNode } from "react";
import { EmailAddress } from "@/components/email-address";
import { describeAuditData } from "@/lib/admin/audit-details";
import type { AuditRow } from "@/lib/admin/audit-view";
import { formatDate } from "../format";
import { link, td } from "./styles";
import { stackedCell, stackedRow, Table } from "./table";

const TARGET_PAGES: Record<string, string> = {
  license: "/admin/licenses/",
  product: "/admin/products/",
  plan: "/admin/plans/",
  user: "/admin/customers/",
};

function who(row: AuditRow): ReactNode {
  switch (row.actorType) {
    case "user":
      // An email wraps at its "@" and dots, not a letter at a time in a narrow column.
      return row.actorLabel ? <EmailAddress email={row.actorLabel} /> : "a user";
    case "admin_token":
      return `API token "${row.actorLabel ?? "?"}"`;
    case "env_token":
      return "ADMIN_API_TOKEN";
    case "stripe":
      return `Stripe ${row.actorId ?? ""}`.trim();
    default:
      return row.actorType;
  }
}

function Target({ row }: { row: AuditRow }) {
  const page = TARGET_PAGES[row.targetType];
  const label = `${row.targetType} ${row.targetId?.slice(0, 8) ?? ""}`.trim();
  return page && row.targetId ? (
    <Link href={`${page}${row.targetId}`} className={link}>
      {label}
    </Link>
  ) : (
    <span>{label}</span>
  );
}

function Details({ data }: { data: unknown }) {
  const lines = describeAuditData(data);
  if (lines.length === 0) return <span>—</span>;
  return (
    <ul className="space-y-0.5">
      {lines.map((line, i) => (
        <li key={i} className="break-words">
          {line}
        </li>
      ))}
    </ul>
  );
}

/** Who did what to which object, when and from where; details as readable changes ("seats 3 → 5"). */
export function AuditTable({ rows, caption }: { rows: AuditRow[]; caption: string }) {
  return (
    <Table
      caption={caption}
      empty={rows.length === 0 ? "No entries." : undefined}
      columns={["When", "Who", "Action", "Target", "From", "Details"]}
      // Six columns, each needed to read an entry: on a phone each entry is a block of labelled lines.
      stacked
    >
      {rows.map((row) => (
        <tr key={row.id} data-audit={row.action} className={stackedRow}>
          <td data-label="When" className={`${td} ${stackedCell} whitespace-nowrap`}>{formatDate(row.at)}</td>
          <td data-label="Who" className={`${td} ${stackedCell} min-w-40 break-words`}>{who(row)}</td>
          <td data-label="Action" className={`${td} ${stackedCell} font-mono text-xs`}>{row.action}</td>
          <td data-label="Target" className={`${td} ${stackedCell}`}>
            <Target row={row} />
          </td>
          <td data-label="From" className={`${td} ${stackedCell} font-mono text-xs`}>{row.ip || "—"}</td>
          <td data-label="Details" className={`${td} ${stackedCell} min-w-48 text-xs text-slate-700`}>
            <Details data={row.data} />
          </td>
        </tr>
      ))}
    </Table>
  );
}
