import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { PLAN_FIELD_LABELS, PlanFields } from "@/components/admin/plan-fields";
import { Section } from "@/components/admin/section";
import { card, link } from "@/components/admin/styles";
import { getPlan } from "@/lib/admin/catalog-view";
import { requireAdmin } from "@/lib/admin/guard";
import { archivePlan, deletePlan, restorePlan, updatePlan } from "../../actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  await requireAdmin(`/admin/plans/${encodeURIComponent(id)}`);
  const plan = await getPlan(id);
  if (!plan) notFound();
  const hidden = { planId: plan.id };
  return (
    <div className="space-y-8">
      <Link href={`/admin/products/${plan.product.id}`} className={`${link} text-sm`}>
        ← {plan.product.name}
      </Link>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-3xl font-bold tracking-tight">
          {plan.product.name} — {plan.name}
        </h1>
        <p className="text-sm">
          <span className="font-mono">{plan.slug}</span> · {plan.archivedAt ? "Archived: off sale" : "On sale"} ·{" "}
          <Link href={`/admin/licenses?plan=${encodeURIComponent(plan.slug)}`} className={link}>
            {plan.licenseCount} license{plan.licenseCount === 1 ? "" : "s"}
          </Link>
        </p>
      </div>

      <Section id="edit" title="Plan">
        <div className={card}>
          <ActionForm action={updatePlan} hidden={hidden} submit="Save plan" fieldLabels={PLAN_FIELD_LABELS}>
            <PlanFields plan={plan} scope="edit-plan" />
          </ActionForm>
        </div>
        <p className="text-sm text-slate-700">Seats, duration and features apply to this plan&apos;s licenses from their next check; existing expiry dates stay.</p>
      </Section>

      <Section id="lifecycle" title="Sale and removal">
        <div className="flex flex-wrap items-start gap-4">
          <ActionForm
            key="sale"
            action={plan.archivedAt ? restorePlan : archivePlan}
            hidden={hidden}
            submit={plan.archivedAt ? "Restore: put on sale again" : "Archive: take off sale"}
            variant="secondary"
          />
          {plan.licenseCount === 0 ? (
            <ActionForm action={deletePlan} hidden={hidden} submit="Delete plan…" confirm={{ question: "Delete this plan for good?", yes: "Yes, delete" }} />
          ) : (
            <p className="max-w-md text-sm text-slate-700">This plan has licenses, so it can never be deleted: archive it to stop selling it. Its licenses keep working.</p>
          )}
        </div>
      </Section>
    </div>
  );
}
