import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { TextArea, TextField } from "@/components/admin/fields";
import { Section } from "@/components/admin/section";
import { card, link, td } from "@/components/admin/styles";
import { Table } from "@/components/admin/table";
import { listProducts } from "@/lib/admin/catalog-view";
import { requireAdmin } from "@/lib/admin/guard";
import { createProduct } from "../actions";

export const metadata: Metadata = { title: "Products and plans" };

export default async function ProductsPage() {
  await requireAdmin("/admin/products");
  const products = await listProducts();
  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold tracking-tight">Products and plans</h1>
      <Table
        caption="Products and their plans"
        empty={products.length === 0 ? "No products yet." : undefined}
        columns={["Product", "Plans (licenses)", "State"]}
      >
        {products.map((p) => (
          <tr key={p.id} data-product={p.slug}>
            <th scope="row" className={`${td} text-left`}>
              <Link href={`/admin/products/${p.id}`} className={link}>
                {p.name}
              </Link>
              <span className="block font-mono text-xs font-normal text-slate-500">{p.slug}</span>
            </th>
            <td className={td}>
              {p.plans.length === 0 ? (
                "—"
              ) : (
                <ul className="space-y-0.5">
                  {p.plans.map((plan) => (
                    <li key={plan.id}>
                      <Link href={`/admin/plans/${plan.id}`} className={link}>
                        {plan.name}
                      </Link>{" "}
                      <span className="font-mono text-xs">{plan.slug}</span> ({plan.licenseCount}){plan.archivedAt && " — archived"}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className={td}>{p.archivedAt ? "Archived" : "On sale"}</td>
          </tr>
        ))}
      </Table>

      <Section id="new-product" title="New product">
        <div className={card}>
          <ActionForm action={createProduct} submit="Create product" fieldLabels={{ slug: "Slug", name: "Name", description: "Description", lemonSqueezyStoreId: "Lemon Squeezy store id", lemonSqueezyProductId: "Lemon Squeezy product id" }}>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField name="slug" label="Slug" required scope="product" hint="a-z, 0-9 and -; cannot change later." />
              <TextField name="name" label="Name" required scope="product" />
              <TextArea name="description" label="Description" scope="product" className="sm:col-span-2" />
              <TextField name="lemonSqueezyStoreId" type="number" min={1} label="Lemon Squeezy store id" scope="product" hint="Moved from Lemon Squeezy? Answered as meta.store_id by /v1/licenses." />
              <TextField name="lemonSqueezyProductId" type="number" min={1} label="Lemon Squeezy product id" scope="product" hint="Answered as meta.product_id." />
            </div>
          </ActionForm>
        </div>
      </Section>
    </div>
  );
}
