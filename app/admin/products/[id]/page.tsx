import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionForm } from "@/components/admin/action-form";
import { TextArea, TextField } from "@/components/admin/fields";
import { PLAN_FIELD_LABELS, PlanFields } from "@/components/admin/plan-fields";
import { Section } from "@/components/admin/section";
import { card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { getProduct } from "@/lib/admin/catalog-view";
import { requireAdmin } from "@/lib/admin/guard";
import { entitlementNamesOf, entitlementNamesText } from "@/lib/storefront/entitlement-names";
import { archiveProduct, createPlan, restoreProduct, setEntitlementNames, updateProduct } from "../../actions";

export const metadata: Metadata = { title: "Product" };

export default async function ProductPage(props: { params: Promise<{ id: string }> }) {
  const { id } = await props.params;
  await requireAdmin(`/admin/products/${encodeURIComponent(id)}`);
  const product = await getProduct(id);
  if (!product) notFound();
  const names = (await entitlementNamesOf([product.id])).get(product.id);
  const codes = [...new Set(product.plans.flatMap((p) => p.entitlements))].sort();
  const hidden = { productId: product.id };
  return (
    <div className="space-y-8">
      <Link href="/admin/products" className={`${link} text-sm`}>
        ← Products and plans
      </Link>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-3xl font-bold tracking-tight">{product.name}</h1>
        <p className="text-sm">
          <span className="font-mono">{product.slug}</span> · {product.archivedAt ? "Archived: off sale" : "On sale"}
        </p>
      </div>

      <Section id="edit" title="Details">
        <div className={card}>
          <ActionForm action={updateProduct} hidden={hidden} submit="Save product" fieldLabels={{ name: "Name", description: "Description", lemonSqueezyStoreId: "Lemon Squeezy store id", lemonSqueezyProductId: "Lemon Squeezy product id" }}>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField name="name" label="Name" required defaultValue={product.name} scope="edit" />
              <TextArea name="description" label="Description" defaultValue={product.description ?? ""} scope="edit" className="sm:col-span-2" />
              <TextField
                name="lemonSqueezyStoreId"
                type="number"
                min={1}
                label="Lemon Squeezy store id"
                defaultValue={product.lemonSqueezyStoreId ?? undefined}
                scope="edit"
                hint="Moved from Lemon Squeezy? /v1/licenses answers it as meta.store_id. Empty: 1."
              />
              <TextField
                name="lemonSqueezyProductId"
                type="number"
                min={1}
                label="Lemon Squeezy product id"
                defaultValue={product.lemonSqueezyProductId ?? undefined}
                scope="edit"
                hint={`Answered as meta.product_id. Empty: ${product.number}.`}
              />
            </div>
          </ActionForm>
        </div>
        <ActionForm
          key="sale"
          action={product.archivedAt ? restoreProduct : archiveProduct}
          hidden={hidden}
          submit={product.archivedAt ? "Restore: put on sale again" : "Archive: take off sale"}
          variant="secondary"
        />
      </Section>

      <Section id="plans" title="Plans">
        <Table
          caption={`Plans of ${product.name}`}
          empty={product.plans.length === 0 ? "No plans yet." : undefined}
          columns={["Plan", "Machines", "Duration", "Entitlements", "Licenses", "State"]}
        >
          {product.plans.map((plan) => (
            <tr key={plan.id} data-plan={plan.slug}>
              <th scope="row" className={`${td} text-left`}>
                <Link href={`/admin/plans/${plan.id}`} className={link}>
                  {plan.name}
                </Link>
                <span className="block font-mono text-xs font-normal text-slate-500">{plan.slug}</span>
              </th>
              <td className={td}>
                {plan.maxMachines}
                {plan.floating && " (floating)"}
              </td>
              <td className={td}>{plan.durationDays === null ? "Perpetual" : `${plan.durationDays} days`}</td>
              <td className={td}>{plan.entitlements.join(", ") || "—"}</td>
              <td className={`${td} tabular-nums`}>{plan.licenseCount}</td>
              <td className={td}>{plan.archivedAt ? "Archived" : "On sale"}</td>
            </tr>
          ))}
        </Table>
      </Section>

      <Section id="feature-names" title="Feature names">
        <div className={card}>
          <ActionForm action={setEntitlementNames} hidden={hidden} submit="Save feature names" fieldLabels={{ names: "Feature names" }}>
            <TextArea
              name="names"
              label="Feature names"
              rows={Math.max(3, codes.length + 1)}
              defaultValue={entitlementNamesText(names)}
              scope="feature-names"
              hint={
                <>
                  What the pricing and landing pages call each entitlement, one <code>code = Display name</code> a line
                  {codes.length ? <> (this product&apos;s codes: {codes.join(", ")})</> : null}. A code without a name is shown as itself.
                </>
              }
            />
          </ActionForm>
        </div>
      </Section>

      <Section id="new-plan" title="New plan">
        <div className={card}>
          <ActionForm action={createPlan} hidden={hidden} submit="Create plan" fieldLabels={PLAN_FIELD_LABELS}>
            <PlanFields scope="new-plan" />
          </ActionForm>
        </div>
      </Section>
    </div>
  );
}
