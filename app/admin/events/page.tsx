import type { Metadata } from "next";
import { ActionForm } from "@/components/admin/action-form";
import { SelectField, TextField } from "@/components/admin/fields";
import { formatDate } from "@/components/format";
import { Pagination } from "@/components/admin/pagination";
import { SearchForm } from "@/components/admin/search-form";
import { td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { requireAdmin } from "@/lib/admin/guard";
import { EVENT_STATUSES, eventSearchSchema, listStripeEvents } from "@/lib/admin/stripe-events";
import { rerunStripeEvent } from "../actions";

export const metadata: Metadata = { title: "Stripe events" };

const STATUS_TEXT: Record<string, string> = { PROCESSED: "✓ Processed", IGNORED: "– Ignored", FAILED: "✗ Failed", PROCESSING: "… Processing" };

export default async function EventsPage(props: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requireAdmin("/admin/events");
  const search = eventSearchSchema.parse(await props.searchParams);
  const page = await listStripeEvents(search);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Stripe events</h1>
        <p className="text-sm text-slate-600">Every event the webhook received and how it was handled. A failed one can be re-run; one handled meanwhile is left alone.</p>
      </div>
      <SearchForm label="Filter events" submit="Filter" clearHref="/admin/events" layout="flex flex-wrap">
        <SelectField name="status" label="Result" defaultValue={search.status ?? ""} scope="events" options={[{ value: "", label: "Any result" }, ...EVENT_STATUSES.map((s) => ({ value: s, label: STATUS_TEXT[s] ?? s }))]} />
        <TextField name="type" label="Type starts with" defaultValue={search.type} placeholder="invoice." scope="events" />
      </SearchForm>
      <Table
        caption="Stripe events, newest first"
        empty={page.items.length === 0 ? "No events." : undefined}
        columns={["Received", "Event", "Result", "Attempts", { srOnly: "Actions" }]}
      >
        {page.items.map((e) => (
          <tr key={e.id} data-event={e.id}>
            <td className={`${td} whitespace-nowrap`}>{formatDate(e.receivedAt)}</td>
            <td className={td}>
              <span className="font-mono text-xs">{e.type}</span>
              <span className="block font-mono text-xs text-slate-500">{e.id}</span>
              {e.objectId && <span className="block font-mono text-xs text-slate-500">about {e.objectId}</span>}
            </td>
            <td className={td}>
              <span className={e.status === "FAILED" ? "font-semibold text-red-800" : undefined}>{STATUS_TEXT[e.status] ?? e.status}</span>
              {e.processedAt && <span className="block text-xs text-slate-500">{formatDate(e.processedAt)}</span>}
              {e.error && <span className="block max-w-md text-xs break-words text-red-800">{e.error}</span>}
              {e.reason && <span className="block max-w-md text-xs break-words text-slate-600">{e.reason}</span>}
            </td>
            <td className={`${td} tabular-nums`}>{e.attempts}</td>
            <td className={td}>
              {e.status === "FAILED" && <ActionForm action={rerunStripeEvent} hidden={{ eventId: e.id }} submit="Re-run" submitLabel={`Re-run ${e.id}`} variant="secondary" />}
            </td>
          </tr>
        ))}
      </Table>
      <Pagination basePath="/admin/events" params={{ status: search.status, type: search.type }} page={page.page} pageCount={page.pageCount} total={page.total} totalCapped={page.totalCapped} noun={["event", "events"]} />
    </div>
  );
}
