import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ActionForm } from "@/components/admin/action-form";
import { AuditTable } from "@/components/admin/audit-table";
import { LicenseOwnerKey } from "@/components/admin/license-owner-key";
import { Checkbox, SelectField, TextField } from "@/components/admin/fields";
import { formatDate, formatMoney } from "@/components/format";
import { Section } from "@/components/admin/section";
import { card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { StatusBadge, TrialBadge } from "@/components/status-badge";
import { planOptions } from "@/lib/admin/catalog-view";
import { requireAdmin } from "@/lib/admin/guard";
import { loadLicensePage, type LicensePage } from "@/lib/admin/license-page";
import {
  changeLicenseOwner,
  changeLicensePlan,
  changeLicenseSeats,
  deactivateMachine,
  extendLicense,
  regenerateLicenseKey,
  reinstateLicense,
  resendKeyEmail,
  resetMachines,
  revealLicenseKey,
  revokeLicense,
  setLicenseExpiry,
  suspendLicense,
} from "../../actions";

export const metadata: Metadata = { title: "License" };

const ISSUED: Record<string, { text: string; tone: string }> = {
  "1": { text: "License issued.", tone: "border-emerald-300 bg-emerald-50 text-emerald-900" },
  mailed: { text: "License issued; the key email to the customer is on its way.", tone: "border-emerald-300 bg-emerald-50 text-emerald-900" },
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="break-words">{children}</dd>
    </div>
  );
}

function Facts({ page }: { page: LicensePage }) {
  const { license, owner, plan, product } = page;
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
      <Fact label="Owner">
        <Link href={`/admin/customers/${owner.id}`} className={link}>
          {owner.email}
        </Link>
      </Fact>
      <Fact label="Product and plan">
        <Link href={`/admin/products/${product.id}`} className={link}>
          {product.name}
        </Link>{" "}
        /{" "}
        <Link href={`/admin/plans/${plan.id}`} className={link}>
          {plan.name}
        </Link>{" "}
        <span className="font-mono text-xs">({plan.slug})</span>
      </Fact>
      <Fact label={license.trial ? "Trial ends" : "Expires"}>{license.expiresAt ? formatDate(license.expiresAt) : "Never (perpetual)"}</Fact>
      <Fact label="Seats">
        <span data-testid="seats">
          {license.activeMachines} of {license.maxMachines} in use
        </span>
        {license.seatOverride === null ? " (the plan's)" : ` (set on this license; the plan has ${plan.maxMachines})`}
        {plan.floating && " · floating"}
      </Fact>
      <Fact label="Features">{plan.entitlements.length ? plan.entitlements.join(", ") : "—"}</Fact>
      <Fact label="Created">{formatDate(license.createdAt)}</Fact>
      {license.statusReason && <Fact label="Status reason">{license.statusReason}</Fact>}
    </dl>
  );
}

/**
 * Three fixed slots (suspension, revocation, key email) that keep their place whatever the
 * status: a button that changes, or a note where no action is left, never a reshuffled row.
 */
function StatusActions({ page }: { page: LicensePage }) {
  const { license } = page;
  const hidden = { licenseId: license.id };
  const suspended = license.storedStatus === "SUSPENDED";
  const revoked = license.storedStatus === "REVOKED";
  const note = "text-sm text-slate-700";
  return (
    <div className="grid gap-4 sm:grid-cols-3" data-testid="status-actions">
      <div>
        {revoked ? (
          <p className={note}>Revoked licenses cannot be suspended or reinstated.</p>
        ) : (
          /* One form for both directions: it keeps its answer when the page comes back with the other button. */
          <ActionForm key="suspension" action={suspended ? reinstateLicense : suspendLicense} hidden={hidden} submit={suspended ? "Reinstate" : "Suspend"} variant={suspended ? "primary" : "secondary"} />
        )}
      </div>
      <div>
        {revoked ? (
          <p className={note}>Revoked: the key no longer works, for good.</p>
        ) : (
          <ActionForm action={revokeLicense} hidden={hidden} submit="Revoke…" confirm={{ question: "Revoke for good? The key stops working and cannot be reinstated.", yes: "Yes, revoke" }} />
        )}
      </div>
      <div>
        {revoked ? (
          <p className={note}>The key is not emailed again: it no longer works.</p>
        ) : (
          <ActionForm action={resendKeyEmail} hidden={hidden} submit="Resend key email" variant="secondary" />
        )}
      </div>
    </div>
  );
}

function TermsActions({ page, plans }: { page: LicensePage; plans: Awaited<ReturnType<typeof planOptions>> }) {
  const { license, plan } = page;
  const hidden = { licenseId: license.id };
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div className={card}>
        <h3 className="mb-2 font-semibold">Extend</h3>
        <ActionForm action={extendLicense} hidden={hidden} submit="Extend" variant="secondary" fieldLabels={{ days: "Days" }}>
          <TextField name="days" type="number" min={1} max={36500} label="Days to add" defaultValue={30} required scope="extend" hint="Counted from the current expiry, or from today if it has passed." />
        </ActionForm>
      </div>
      <div className={card}>
        <h3 className="mb-2 font-semibold">Set expiry</h3>
        <ActionForm action={setLicenseExpiry} hidden={hidden} submit="Set expiry" variant="secondary" fieldLabels={{ expiresAt: "Expiry date" }}>
          <TextField name="expiresAt" type="date" label="Last day (UTC)" defaultValue={license.expiresAt?.slice(0, 10)} scope="expiry" />
          <Checkbox name="perpetual" label="Perpetual (never expires)" defaultChecked={license.expiresAt === null} scope="expiry" />
        </ActionForm>
      </div>
      <div className={card}>
        <h3 className="mb-2 font-semibold">Change plan</h3>
        <ActionForm action={changeLicensePlan} hidden={hidden} submit="Change plan" variant="secondary">
          <SelectField name="planId" label="Plan" defaultValue={plan.id} scope="plan" options={plans.map((p) => ({ value: p.id, label: p.label }))} />
        </ActionForm>
      </div>
      <div className={card}>
        <h3 className="mb-2 font-semibold">Change seats</h3>
        <ActionForm action={changeLicenseSeats} hidden={hidden} submit="Change seats" variant="secondary" fieldLabels={{ maxMachines: "Seats" }}>
          <TextField
            name="maxMachines"
            type="number"
            min={1}
            max={10000}
            label="Machines"
            defaultValue={license.seatOverride}
            scope="seats"
            hint={`Empty: the plan's ${plan.maxMachines}. Fewer seats never cut off a machine already active.`}
          />
        </ActionForm>
      </div>
    </div>
  );
}

function Machines({ page }: { page: LicensePage }) {
  const { machines, license } = page;
  return (
    <>
      <Table
        caption="Machines of this license, active and deactivated"
        empty={machines.length === 0 ? "No machine has been activated." : undefined}
        columns={["Machine", "Fingerprint", "Platform", "Activated", "Last seen", "State", { srOnly: "Actions" }]}
      >
        {machines.map((m) => (
          <tr key={m.id} data-machine={m.id}>
            <th scope="row" className={`${td} text-left font-medium`}>
              {m.label}
              {m.hostname && <span className="block text-xs font-normal text-slate-500">Host: {m.hostname}</span>}
            </th>
            <td className={`${td} max-w-40 font-mono text-xs break-all`}>{m.fingerprint}</td>
            <td className={td}>{m.platform ?? "—"}</td>
            <td className={`${td} whitespace-nowrap`}>{formatDate(m.activatedAt)}</td>
            <td className={`${td} whitespace-nowrap`}>{formatDate(m.lastSeenAt)}</td>
            <td className={td}>
              {m.deactivatedAt
                ? `Deactivated ${formatDate(m.deactivatedAt)}`
                : m.holdsSeat
                  ? "Holds a seat"
                  : m.waitsForSeat
                    ? "No seat: more machines than seats (TOO_MANY_MACHINES until one frees)"
                    : "Missed its heartbeat: no seat"}
            </td>
            <td className={td}>
              {!m.deactivatedAt && (
                <ActionForm
                  action={deactivateMachine}
                  hidden={{ licenseId: license.id, machineId: m.id }}
                  submit="Deactivate"
                  submitLabel={`Deactivate ${m.label}`}
                  confirm={{ question: "Free this seat?", yes: "Yes, deactivate" }}
                />
              )}
            </td>
          </tr>
        ))}
      </Table>
      {machines.length > 0 && (
        <ActionForm
          action={resetMachines}
          hidden={{ licenseId: license.id }}
          submit="Reset all machines…"
          confirm={{ question: "Deactivate every machine of this license? Each must activate again.", yes: "Yes, reset all" }}
        />
      )}
    </>
  );
}

function Validations({ page }: { page: LicensePage }) {
  return (
    <Table
      caption="The license API's latest answers for this license (an answer repeating the one listed before it within a minute is counted, not listed again)"
      empty={page.validations.length === 0 ? "No answers recorded in the last 30 days." : undefined}
      columns={["When", "Endpoint", "Code", "Fingerprint", "From"]}
    >
      {page.validations.map((v) => (
        <tr key={v.id}>
          <td className={`${td} whitespace-nowrap`}>{formatDate(v.at)}</td>
          <td className={td}>{v.endpoint}</td>
          <td className={`${td} font-mono text-xs`}>
            {v.code === "VALID" ? "✓ " : "✗ "}
            {v.code}
          </td>
          <td className={`${td} max-w-40 font-mono text-xs break-all`}>{v.fingerprint ?? "—"}</td>
          <td className={`${td} font-mono text-xs`}>{v.ip ?? "—"}</td>
        </tr>
      ))}
    </Table>
  );
}

function Stripe({ page }: { page: LicensePage }) {
  const ids = [
    ["Customer", page.stripe.customerId],
    ["Subscription", page.stripe.subscriptionId],
    ["Checkout session", page.stripe.checkoutSessionId],
    ["Payment intent", page.stripe.paymentIntentId],
  ] as const;
  return (
    <div className="space-y-3">
      <dl className="grid grid-cols-1 gap-3 text-sm sm:grid-cols-2">
        {ids.map(([label, value]) => (
          <Fact key={label} label={label}>
            <span className="font-mono text-xs">{value ?? "—"}</span>
          </Fact>
        ))}
      </dl>
      <Table
        caption="Payments for this license"
        empty={page.payments.length === 0 ? "No payments recorded (issued by hand, or not paid yet)." : undefined}
        columns={["When", "Amount", "Stripe object"]}
      >
        {page.payments.map((p) => (
          <tr key={p.id}>
            <td className={`${td} whitespace-nowrap`}>{formatDate(p.createdAt)}</td>
            <td className={`${td} tabular-nums`}>{formatMoney(p.amountCents, p.currency)}</td>
            <td className={`${td} font-mono text-xs break-all`}>{p.invoiceId ?? p.checkoutSessionId ?? "—"}</td>
          </tr>
        ))}
      </Table>
    </div>
  );
}

export default async function AdminLicensePage(props: { params: Promise<{ id: string }>; searchParams: Promise<{ issued?: string }> }) {
  const { id } = await props.params;
  await requireAdmin(`/admin/licenses/${encodeURIComponent(id)}`);
  const [page, plans, { issued }] = await Promise.all([loadLicensePage(id), planOptions(), props.searchParams]);
  if (!page) notFound();
  const notice = issued ? ISSUED[issued] : undefined;
  return (
    <div className="space-y-8">
      <Link href="/admin/licenses" className={`${link} text-sm`}>
        ← Licenses
      </Link>
      {notice && (
        <p role="status" className={`rounded-md border p-3 text-sm ${notice.tone}`}>
          {notice.text}
        </p>
      )}
      <div className={`${card} space-y-4`}>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">
            License <span className="font-mono">…{page.license.keyHint}</span>
          </h1>
          <span className="flex flex-wrap items-center gap-1">
            <span data-testid="license-status" className="flex">
              <StatusBadge status={page.license.status} />
            </span>
            {page.license.trial && <TrialBadge endsAt={page.license.trialEndsAt} />}
          </span>
        </div>
        <Facts page={page} />
        <ActionForm action={revealLicenseKey} hidden={{ licenseId: page.license.id }} submit="Reveal key" variant="secondary" secretLabel="License key (revealing it is recorded in the audit log)" />
      </div>

      <Section id="status" title="Status and key">
        <StatusActions page={page} />
      </Section>

      <Section id="owner" title="Owner and key">
        <LicenseOwnerKey
          licenseId={page.license.id}
          ownerEmail={page.owner.email}
          revoked={page.license.storedStatus === "REVOKED"}
          changeOwner={changeLicenseOwner}
          regenerateKey={regenerateLicenseKey}
        />
      </Section>

      <Section id="terms" title="Expiry, plan and seats">
        {page.license.storedStatus === "REVOKED" ? (
          <p className="text-sm text-slate-700">A revoked license is final: its expiry, plan and seats can no longer be changed.</p>
        ) : (
          <TermsActions page={page} plans={plans} />
        )}
      </Section>

      <Section id="machines" title="Machines">
        <Machines page={page} />
      </Section>

      <Section id="validations" title="Latest license API answers">
        <Validations page={page} />
      </Section>

      <Section id="stripe" title="Stripe">
        <Stripe page={page} />
      </Section>

      <Section id="audit" title="Audit trail">
        <AuditTable rows={page.audit} caption="Audit trail of this license, its machines and payments" />
      </Section>
    </div>
  );
}
