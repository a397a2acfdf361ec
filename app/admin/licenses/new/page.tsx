import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/admin/action-form";
import { Checkbox, SelectField, TextField } from "@/components/admin/fields";
import { card, link } from "@/components/admin/styles";
import { planOptions } from "@/lib/admin/catalog-view";
import { requireAdmin } from "@/lib/admin/guard";
import { issueLicense } from "../../actions";

export const metadata: Metadata = { title: "Issue a license" };

export default async function IssueLicensePage() {
  await requireAdmin("/admin/licenses/new");
  const plans = await planOptions();
  return (
    <div className="space-y-6">
      <Link href="/admin/licenses" className={`${link} text-sm`}>
        ← Licenses
      </Link>
      <h1 className="text-3xl font-bold tracking-tight">Issue a license</h1>
      {plans.length === 0 ? (
        <p className={card}>
          There are no plans yet. <Link href="/admin/products" className={link}>Create a product and a plan</Link> first.
        </p>
      ) : (
        <div className={card}>
          <ActionForm
            action={issueLicense}
            submit="Issue license"
            className="grid gap-4 sm:grid-cols-2"
            fieldLabels={{ plan: "Plan", email: "Customer email", expiresAt: "Expiry date", maxMachines: "Seats" }}
          >
            <SelectField name="plan" label="Plan" required options={plans.map((p) => ({ value: p.slug, label: p.label }))} />
            <TextField name="email" type="email" label="Customer email" required hint="An existing customer with this email gets the license; otherwise an account is created." />
            <SelectField
              name="expiry"
              label="Expiry"
              defaultValue="plan"
              options={[
                { value: "plan", label: "The plan's duration from today" },
                { value: "date", label: "On the date below" },
                { value: "perpetual", label: "Never (perpetual)" },
              ]}
            />
            <TextField name="expiresAt" type="date" label="Expiry date" hint="Used with “On the date below”; the license ends after this day (UTC)." />
            <TextField name="maxMachines" type="number" min={1} max={10000} label="Seats" hint="Empty: the plan's number of machines." />
            <Checkbox name="sendEmail" label="Email the key to the customer" defaultChecked className="self-end" />
          </ActionForm>
        </div>
      )}
    </div>
  );
}
