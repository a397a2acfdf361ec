import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { TextField } from "@/components/admin/fields";
import { Section } from "@/components/admin/section";
import { card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { WebhookEventFields } from "@/components/admin/webhook-event-fields";
import { formatDate } from "@/components/format";
import { requireAdmin } from "@/lib/admin/guard";
import { listEndpoints } from "@/lib/webhooks/endpoints";
import { createWebhookEndpoint } from "../actions";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  await requireAdmin("/admin/webhooks");
  const endpoints = await listEndpoints();
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-3xl font-bold tracking-tight">Webhooks</h1>
        <p className="text-sm text-slate-700">
          Your own systems (CRM, your app&apos;s backend, chat) learn of license, machine and payment changes as signed POST requests (Standard
          Webhooks: verify them with the <code className="font-mono">standardwebhooks</code> package and the endpoint&apos;s secret). Failed
          deliveries are retried for about two days; an endpoint failing every attempt for 3 days is disabled and the admins are emailed.
        </p>
      </div>

      <Section id="new-endpoint" title="New endpoint">
        <div className={card}>
          <ActionForm
            action={createWebhookEndpoint}
            submit="Create endpoint"
            secretLabel="The endpoint's signing secret. Copy it now: it is not shown again."
            fieldLabels={{ url: "URL", description: "Description", events: "Events" }}
          >
            <TextField name="url" label="URL" required scope="endpoint" placeholder="https://example.com/webhooks/licenses" hint="Where events are POSTed: an absolute http(s) URL." />
            <TextField name="description" label="Description" scope="endpoint" hint="Optional: what receives it, e.g. “CRM sync”." />
            <WebhookEventFields checked={[]} scope="endpoint" />
          </ActionForm>
        </div>
      </Section>

      <Section id="endpoints" title="Endpoints">
        <Table caption="Webhook endpoints" empty={endpoints.length === 0 ? "No endpoints yet." : undefined} columns={["URL", "Events", "State", "Created"]}>
          {endpoints.map((e) => (
            <tr key={e.id} data-endpoint={e.id}>
              <th scope="row" className={`${td} text-left font-normal`}>
                <Link href={`/admin/webhooks/${e.id}`} className={`${link} break-all`}>
                  {e.url}
                </Link>
                {e.description && <span className="block text-xs text-slate-500">{e.description}</span>}
              </th>
              <td className={`${td} font-mono text-xs`}>{e.events.length === 0 ? "All events" : e.events.join(", ")}</td>
              <td className={td}>
                {e.enabled ? "Enabled" : e.disabledReason === "failing" ? "Disabled: failing for 3 days" : "Disabled"}
                {e.enabled && e.failingSince && <span className="block text-xs text-red-800">Failing since {formatDate(e.failingSince)}</span>}
              </td>
              <td className={`${td} whitespace-nowrap`}>{formatDate(e.createdAt)}</td>
            </tr>
          ))}
        </Table>
      </Section>
    </div>
  );
}
