import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { TextField } from "@/components/admin/fields";
import { Pagination } from "@/components/admin/pagination";
import { Section } from "@/components/admin/section";
import { card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { WebhookEventFields } from "@/components/admin/webhook-event-fields";
import { formatDate } from "@/components/format";
import { requireAdmin } from "@/lib/admin/guard";
import { pageOf, pageParam } from "@/lib/admin/paging";
import { ApiError } from "@/lib/http/errors";
import { deliveryLog, getEndpoint, type DeliveryLogEntry } from "@/lib/webhooks/endpoints";
import { deleteWebhookEndpoint, disableWebhookEndpoint, enableWebhookEndpoint, retryWebhookDelivery, sendWebhookTest, updateWebhookEndpoint } from "../../actions";

export const metadata: Metadata = { title: "Webhook endpoint" };

const PER_PAGE = 25;
const STATUS_TEXT: Record<string, string> = { SUCCEEDED: "✓ Delivered", PENDING: "… Pending", FAILED: "✗ Failed" };

function Headers({ value }: { value: Record<string, string> | null }) {
  if (!value) return <p className="text-xs text-slate-500">None</p>;
  return <pre className="overflow-x-auto rounded bg-slate-50 p-2 text-xs break-all whitespace-pre-wrap">{Object.entries(value).map(([k, v]) => `${k}: ${v}`).join("\n")}</pre>;
}

function DeliveryDetails({ delivery }: { delivery: DeliveryLogEntry }) {
  return (
    <details className="text-xs">
      <summary className="cursor-pointer text-indigo-700 underline">Request and response</summary>
      <div className="mt-2 space-y-3">
        <div>
          <p className="font-semibold">Request body (the same on every attempt)</p>
          <pre className="overflow-x-auto rounded bg-slate-50 p-2 break-all whitespace-pre-wrap">{delivery.requestBody}</pre>
        </div>
        {delivery.attemptLog.length === 0 && <p>Not attempted yet.</p>}
        {delivery.attemptLog.map((a) => (
          <div key={a.number} className="space-y-1 border-t border-slate-200 pt-2" data-attempt={a.number}>
            <p className="font-semibold">
              Attempt {a.number} · {formatDate(a.startedAt)} · {a.durationMs} ms ·{" "}
              {a.responseStatus !== null ? `HTTP ${a.responseStatus}` : "no response"}
              {a.error && ` · ${a.error}`}
            </p>
            <p>Request headers</p>
            <Headers value={a.requestHeaders} />
            <p>Response headers</p>
            <Headers value={a.responseHeaders} />
            <p>Response body (first 4 KiB)</p>
            <pre className="overflow-x-auto rounded bg-slate-50 p-2 break-all whitespace-pre-wrap">{a.responseBody || "(empty)"}</pre>
          </div>
        ))}
      </div>
    </details>
  );
}

export default async function WebhookEndpointPage(props: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { id } = await props.params;
  await requireAdmin(`/admin/webhooks/${encodeURIComponent(id)}`);
  const page = pageParam.parse((await props.searchParams).page);
  let endpoint;
  let log;
  try {
    endpoint = await getEndpoint(id);
    log = await deliveryLog(id, { page, perPage: PER_PAGE });
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const deliveries = pageOf(log.items, log.counted, page, PER_PAGE);
  return (
    <div className="space-y-8">
      <div className="space-y-1">
        <p className="text-sm">
          <Link href="/admin/webhooks" className={link}>
            ← Webhooks
          </Link>
        </p>
        <h1 className="text-2xl font-bold tracking-tight break-all">{endpoint.url}</h1>
        <p className="text-sm text-slate-700" data-testid="endpoint-state">
          {endpoint.enabled ? "Enabled" : endpoint.disabledReason === "failing" ? "Disabled: every attempt failed for 3 days" : "Disabled"}
          {endpoint.enabled && endpoint.failingSince && ` · failing since ${formatDate(endpoint.failingSince)}`} · created {formatDate(endpoint.createdAt)}
        </p>
        <div className="flex flex-wrap gap-3 pt-2">
          {endpoint.enabled ? (
            <>
              <ActionForm action={sendWebhookTest} hidden={{ endpointId: endpoint.id }} submit="Send test event" variant="secondary" />
              <ActionForm action={disableWebhookEndpoint} hidden={{ endpointId: endpoint.id }} submit="Disable" variant="secondary" />
            </>
          ) : (
            <ActionForm action={enableWebhookEndpoint} hidden={{ endpointId: endpoint.id }} submit="Enable" variant="secondary" />
          )}
          <ActionForm
            action={deleteWebhookEndpoint}
            hidden={{ endpointId: endpoint.id }}
            submit="Delete…"
            confirm={{ question: "Delete the endpoint and its delivery log?", yes: "Yes, delete" }}
          />
        </div>
      </div>

      <Section id="settings" title="Settings">
        <div className={card}>
          <ActionForm action={updateWebhookEndpoint} hidden={{ endpointId: endpoint.id }} submit="Save" fieldLabels={{ url: "URL", description: "Description", events: "Events" }}>
            <TextField name="url" label="URL" required scope="edit" defaultValue={endpoint.url} />
            <TextField name="description" label="Description" scope="edit" defaultValue={endpoint.description} />
            <WebhookEventFields checked={endpoint.events} scope="edit" />
          </ActionForm>
        </div>
      </Section>

      <Section id="deliveries" title="Delivery log">
        <Table
          caption="Deliveries to this endpoint, newest first"
          empty={deliveries.items.length === 0 ? "Nothing delivered yet. Send a test event to try the endpoint." : undefined}
          columns={["Created", "Event", "Result", "Attempts", { srOnly: "Actions" }]}
        >
          {deliveries.items.map((d) => (
            <tr key={d.id} data-delivery={d.id}>
              <td className={`${td} whitespace-nowrap`}>{formatDate(d.createdAt)}</td>
              <td className={td}>
                <span className="font-mono text-xs">{d.type}</span>
                <span className="block font-mono text-xs text-slate-500">{d.eventId}</span>
                <DeliveryDetails delivery={d} />
              </td>
              <td className={td}>
                <span className={d.status === "FAILED" ? "font-semibold text-red-800" : undefined}>{STATUS_TEXT[d.status] ?? d.status}</span>
                {d.lastResponseStatus !== null && <span className="block text-xs text-slate-600">HTTP {d.lastResponseStatus}</span>}
                {d.lastError && <span className="block max-w-md text-xs break-words text-red-800">{d.lastError}</span>}
                {d.status === "PENDING" && d.nextAttemptAt && <span className="block text-xs text-slate-500">next attempt {formatDate(d.nextAttemptAt)}</span>}
              </td>
              <td className={`${td} tabular-nums`}>{d.attempts}</td>
              <td className={td}>
                <ActionForm action={retryWebhookDelivery} hidden={{ deliveryId: d.id }} submit="Retry" submitLabel={`Retry delivery of ${d.eventId}`} variant="secondary" />
              </td>
            </tr>
          ))}
        </Table>
        <Pagination basePath={`/admin/webhooks/${endpoint.id}`} params={{}} page={deliveries.page} pageCount={deliveries.pageCount} total={deliveries.total} totalCapped={deliveries.totalCapped} noun={["delivery", "deliveries"]} />
      </Section>
    </div>
  );
}
