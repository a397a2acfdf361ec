import type { Metadata } from "next";
import { ActionForm } from "@/components/admin/action-form";
import { SelectField } from "@/components/admin/fields";
import { Pagination } from "@/components/admin/pagination";
import { SearchForm } from "@/components/admin/search-form";
import { td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { formatDate } from "@/components/format";
import { emailSearchSchema, listUndeliveredEmails } from "@/lib/admin/emails";
import { requireAdmin } from "@/lib/admin/guard";
import { resendEmail } from "../actions";

export const metadata: Metadata = { title: "Emails" };

const STATUS_TEXT: Record<string, string> = { PENDING: "… Pending", FAILED: "✗ Failed" };

export default async function EmailsPage(props: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireAdmin("/admin/emails");
  const search = emailSearchSchema.parse(await props.searchParams);
  const page = await listUndeliveredEmails(search);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Emails</h1>
        <p className="text-sm text-slate-600">
          Emails the portal sends on its own (license keys, reminders, notices) that have not reached the mail server yet, or that it gave up on
          after retrying for about a day and a half. Sent emails are not listed. Resend tries again now, with a fresh schedule; Attempts counts every try, resends included.
        </p>
      </div>
      <SearchForm label="Filter emails" submit="Filter" clearHref="/admin/emails" layout="flex flex-wrap">
        <SelectField
          name="status"
          label="State"
          defaultValue={search.status ?? ""}
          scope="emails"
          options={[{ value: "", label: "Pending and failed" }, { value: "PENDING", label: "Pending" }, { value: "FAILED", label: "Failed" }]}
        />
      </SearchForm>
      <Table
        caption="Pending and failed emails, newest first"
        empty={page.items.length === 0 ? "Nothing waiting: every email was handed to the mail server." : undefined}
        columns={["Created", "To", "Subject", "State", "Attempts", { srOnly: "Actions" }]}
      >
        {page.items.map((m) => (
          <tr key={m.id} data-email={m.id}>
            <td className={`${td} whitespace-nowrap`}>{formatDate(m.createdAt)}</td>
            <td className={`${td} break-all`}>{m.to}</td>
            <td className={td}>
              {m.subject}
              <span className="block font-mono text-xs text-slate-500">{m.kind}</span>
            </td>
            <td className={td}>
              <span className={m.status === "FAILED" ? "font-semibold text-red-800" : undefined}>{STATUS_TEXT[m.status] ?? m.status}</span>
              {m.lastError && <span className="block max-w-md text-xs break-words text-red-800">{m.lastError}</span>}
              {m.status === "PENDING" && m.nextAttemptAt && <span className="block text-xs text-slate-500">next attempt {formatDate(m.nextAttemptAt)}</span>}
            </td>
            <td className={`${td} tabular-nums`}>{m.attempts}</td>
            <td className={td}>
              <ActionForm action={resendEmail} hidden={{ emailId: m.id }} submit="Resend" submitLabel={`Resend the email to ${m.to}: ${m.subject}`} variant="secondary" />
            </td>
          </tr>
        ))}
      </Table>
      <Pagination basePath="/admin/emails" params={{ status: search.status }} page={page.page} pageCount={page.pageCount} total={page.total} totalCapped={page.totalCapped} noun={["email", "emails"]} />
    </div>
  );
}
