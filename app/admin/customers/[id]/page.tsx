import type { Metadata } from "next";
import { EmailAddress } from "@/components/email-address";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatDate, formatMoney } from "@/components/format";
import { Section } from "@/components/admin/section";
import { buttons, card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { StatusBadge, TrialBadge } from "@/components/status-badge";
import { getCustomer } from "@/lib/admin/customers";
import { requireAdmin } from "@/lib/admin/guard";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  await requireAdmin(`/admin/customers/${encodeURIComponent(id)}`);
  const customer = await getCustomer(id);
  if (!customer) notFound();
  return (
    <div className="space-y-8">
      <Link href="/admin/customers" className={`${link} text-sm`}>
        ← Customers
      </Link>
      <div className={`${card} space-y-3`}>
        <h1 className="text-2xl font-bold tracking-tight break-words sm:text-3xl">
          <EmailAddress email={customer.email} />
        </h1>
        <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-4">
          <div>
            <dt className="text-slate-500">Name</dt>
            <dd>{customer.name ?? "—"}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Customer since</dt>
            <dd>{formatDate(customer.createdAt, false)}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Paid in all</dt>
            <dd>{customer.paid.length === 0 ? "—" : customer.paid.map((m) => formatMoney(m.amountCents, m.currency)).join(" + ")}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Stripe customer</dt>
            <dd className="font-mono text-xs">{customer.stripeCustomerId ?? "—"}</dd>
          </div>
        </dl>
        <Link href={`/admin/licenses/new`} className={buttons.secondary}>
          Issue a license
        </Link>
      </div>

      <Section id="licenses" title="Licenses">
        <Table
          caption={`Licenses of ${customer.email}`}
          empty={customer.licenses.length === 0 ? "No licenses." : undefined}
          columns={["Key", "Plan", "Status", "Expires", "Machines"]}
        >
          {customer.licenses.map((l) => (
            <tr key={l.id}>
              <td className={td}>
                <Link href={`/admin/licenses/${l.id}`} className={`${link} font-mono`}>
                  …{l.keyHint}
                </Link>
              </td>
              <td className={td}>
                {l.product} / {l.plan}
              </td>
              <td className={td}>
                <span className="flex flex-wrap gap-1">
                  <StatusBadge status={l.status} />
                  {l.trial && <TrialBadge endsAt={l.trialEndsAt} />}
                </span>
              </td>
              <td className={`${td} whitespace-nowrap`}>{l.expiresAt ? formatDate(l.expiresAt, false) : "Perpetual"}</td>
              <td className={`${td} tabular-nums`}>
                {l.activeMachines} / {l.maxMachines}
              </td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="payments" title="Purchases">
        <Table
          caption={`Payments of ${customer.email}`}
          empty={customer.payments.length === 0 ? "No payments." : undefined}
          columns={["When", "Amount", "License", "Stripe object"]}
        >
          {customer.payments.map((p) => (
            <tr key={p.id}>
              <td className={`${td} whitespace-nowrap`}>{formatDate(p.createdAt)}</td>
              <td className={`${td} tabular-nums`}>{formatMoney(p.amountCents, p.currency)}</td>
              <td className={td}>
                {p.licenseId ? (
                  <Link href={`/admin/licenses/${p.licenseId}`} className={link}>
                    License
                  </Link>
                ) : (
                  "—"
                )}
              </td>
              <td className={`${td} font-mono text-xs break-all`}>{p.invoiceId ?? p.checkoutSessionId ?? "—"}</td>
            </tr>
          ))}
        </Table>
      </Section>
    </div>
  );
}
