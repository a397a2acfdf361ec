import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { LicenseKey } from "@/components/license-key";
import { ActivationSnippet } from "@/components/portal/activation-snippet";
import { BillingButton } from "@/components/portal/billing-button";
import { BillingNotice } from "@/components/portal/billing-notice";
import { DeactivateMachine } from "@/components/portal/deactivate-machine";
import { LicenseFacts } from "@/components/portal/license-facts";
import { MachineTable } from "@/components/portal/machine-table";
import { OfflineDownload } from "@/components/portal/offline-download";
import { PaymentProblem } from "@/components/portal/payment-problem";
import { RenewalControl } from "@/components/portal/renewal-control";
import { PlanChange } from "@/components/portal/plan-change";
import { PlanChangeNotice } from "@/components/portal/plan-change-notice";
import { DateTime } from "@/components/portal/date-time";
import { ReleaseDownloads } from "@/components/portal/release-downloads";
import { TransferSteps } from "@/components/portal/transfer-steps";
import { StatusBadge } from "@/components/status-badge";
import { parseId } from "@/lib/portal/ids";
import { getLicenseForUser, type LicenseDetail } from "@/lib/portal/licenses";
import { portalUrl } from "@/lib/portal/snippet";
import { planChangeOffer, upgradeApplied } from "@/lib/payments/upgrades";
import { downloadsForLicense } from "@/lib/releases/portal";
import { deactivateMachine, openBillingPortal, revealKey } from "../../actions";
import { changeRenewal } from "../../subscription-actions";
import { accountUser } from "../../session";
import { OwnerSections } from "./owner-sections";
import { changeSubscriptionAction, upgradeCheckoutAction } from "./plan-actions";

export const metadata: Metadata = { title: "License" };

function Section(props: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={props.id} className="space-y-3">
      <h2 id={props.id} className="text-xl font-semibold tracking-tight">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/** After a deactivation the action redirects here with the machine's id; its name is looked up, never taken from the URL. */
function DeactivatedNotice({ license, machineId }: { license: LicenseDetail; machineId: string | null }) {
  const machine = machineId ? license.history.find((m) => m.id === machineId) : undefined;
  if (!machine) return null;
  return (
    <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900">
      <strong>{machine.label}</strong> was deactivated and its seat is free. Activate the application on the new machine to use it there.
    </p>
  );
}

export default async function LicensePage(props: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ deactivated?: string; upgrade?: string; changed?: string; billing?: string }>;
}) {
  const { id } = await props.params;
  // The layout has checked already; a page never relies on another file for authorization.
  const user = await accountUser(`/account/licenses/${parseId(id) ?? ""}`);
  const license = await getLicenseForUser(user.id, id);
  if (!license) notFound();
  const { deactivated, billing, upgrade, changed } = await props.searchParams;
  const [downloads, offer] = await Promise.all([downloadsForLicense(user.id, license.id), planChangeOffer(user.id, license.id)]);
  const upgradeState = upgrade ? ((await upgradeApplied(user.id, license.id, upgrade)) ? "applied" : "pending") : null;

  return (
    <div className="space-y-8">
      <Link href="/account" className="inline-block text-sm font-medium text-indigo-700 underline">
        ← My licenses
      </Link>

      <div className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h1 className="min-w-0 text-2xl font-bold tracking-tight break-words sm:text-3xl">
            {license.productName} — {license.planName}
          </h1>
          <StatusBadge status={license.status} />
        </div>
        <PaymentProblem license={license}>
          <BillingButton action={openBillingPortal} licenseId={license.id} label="Update payment method" />
        </PaymentProblem>
        <BillingNotice problem={billing} />
        <LicenseFacts {...license} />
        <div className="flex flex-wrap items-center justify-between gap-3">
          <LicenseKey licenseId={license.id} masked={license.maskedKey} reveal={revealKey} />
          {license.stripeSubscriptionId && <BillingButton action={openBillingPortal} licenseId={license.id} />}
        </div>
        {license.stripeSubscriptionId && (license.renews || license.cancelAtPeriodEnd) && (
          <RenewalControl licenseId={license.id} cancelAtPeriodEnd={license.cancelAtPeriodEnd} periodEnd={license.expiresAt} action={changeRenewal} />
        )}
      </div>

      <DeactivatedNotice license={license} machineId={parseId(deactivated)} />
      {upgradeState && <PlanChangeNotice state={upgradeState} what="upgrade" />}
      {(changed === "applied" || changed === "pending") && <PlanChangeNotice state={changed} what="change" />}
      {license.trial && (
        <p role="note" className="rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm text-indigo-950">
          Free trial{license.expiresAt && (
            <>
              {" "}until <DateTime value={license.expiresAt} withTime={false} />
            </>
          )}
          . Buy a plan below to keep this key and your machines.
        </p>
      )}

      {offer && (
        <Section id="plan" title={license.trial ? "Buy this license" : license.stripeSubscriptionId ? "Change plan or seats" : "Upgrade"}>
          <PlanChange licenseId={license.id} offer={offer} changeSubscription={changeSubscriptionAction} upgradeCheckout={upgradeCheckoutAction} />
        </Section>
      )}

      <Section id="machines" title="Machines">
        {license.floating && (
          <p className="text-sm text-slate-700">
            Floating plan: a machine keeps its seat while the application checks in at least every{" "}
            {Math.max(1, Math.round(license.heartbeatSeconds / 60))} minutes. One that missed its heartbeat holds no seat until it checks in again.
          </p>
        )}
        {license.machines.length === 0 ? (
          <p className="rounded-lg border border-slate-200 bg-white p-5 text-sm text-slate-700">
            No machine uses this license yet. Enter the key in the application, or use the command below, to take a seat.
          </p>
        ) : (
          <MachineTable
            machines={license.machines}
            floating={license.floating}
            caption="Machines using this license"
            action={(m) => <DeactivateMachine licenseId={license.id} machineId={m.id} label={m.label} action={deactivateMachine} />}
          />
        )}
        {license.history.length > 0 && (
          <details className="group rounded-lg border border-slate-200 bg-white">
            <summary className="cursor-pointer px-4 py-3 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600">
              Deactivated machines ({license.history.length})
            </summary>
            <div className="border-t border-slate-200">
              <MachineTable machines={license.history} floating={false} caption="Deactivated machines" when="deactivated" bare />
            </div>
          </details>
        )}
      </Section>

      {downloads && (
        <Section id="downloads" title="Downloads">
          <ReleaseDownloads licenseId={license.id} downloads={downloads} />
        </Section>
      )}

      <Section id="transfer" title="Move to another machine">
        <TransferSteps />
      </Section>

      <Section id="offline" title="Offline license file">
        <OfflineDownload licenseId={license.id} machines={license.machines} offline={license.offline} />
      </Section>

      <OwnerSections userId={user.id} license={license} />

      <Section id="activate" title="How to activate">
        <p className="text-sm text-slate-700">
          The application does this for you when you enter the key. To script it, or to try it by hand, send the key and a stable
          id of the machine (the SDK uses a SHA-256 of the hardware id) to the activation endpoint:
        </p>
        <ActivationSnippet licenseId={license.id} maskedKey={license.maskedKey} appUrl={portalUrl()} reveal={revealKey} />
        <p className="text-sm text-slate-700">
          A <code className="font-mono">201</code> answer means the machine took a seat, <code className="font-mono">200</code> that it
          already had one, and <code className="font-mono">403</code> with <code className="font-mono">TOO_MANY_MACHINES</code> that
          every seat is taken: deactivate one above first. See the{" "}
          <Link href="/docs/api" className="font-medium text-indigo-700 underline">
            API reference
          </Link>
          .
        </p>
      </Section>
    </div>
  );
}
