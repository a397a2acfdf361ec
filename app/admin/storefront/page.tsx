import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { TextArea, TextField } from "@/components/admin/fields";
import { card, link } from "@/components/admin/styles";
import { requireAdmin } from "@/lib/admin/guard";
import { storeSettings } from "@/lib/storefront/settings";
import { updateStoreSettings } from "../actions";

export const metadata: Metadata = { title: "Storefront" };

/** The vendor's words on the landing page and in the site header; products and plans come from the catalogue. */
export default async function StorefrontPage() {
  await requireAdmin("/admin/storefront");
  const store = await storeSettings();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Storefront</h1>
      <p className="max-w-2xl text-sm text-slate-700">
        The landing page is your shop window: your name and words below, then every product on sale with its description and
        plans. Describe products on their own pages, and name the features their plans grant under <em>Feature names</em>.{" "}
        <Link href="/" className={link}>
          See the landing page
        </Link>
      </p>
      <div className={card}>
        <ActionForm action={updateStoreSettings} submit="Save storefront" fieldLabels={{ name: "Store name", headline: "Headline", description: "Introduction" }}>
          <div className="grid gap-4">
            <TextField name="name" label="Store name" required defaultValue={store.name} scope="store" hint="In the header of every page and in page titles." />
            <TextField name="headline" label="Headline" defaultValue={store.headline} scope="store" hint="The landing page's first line, e.g. what your software does for its users." />
            <TextArea name="description" label="Introduction" rows={4} defaultValue={store.description ?? ""} scope="store" hint="A paragraph under the headline." />
          </div>
        </ActionForm>
      </div>
    </div>
  );
}
