// The plan form's fields, for creating (with slug) and editing (slug fixed).
import type { Plan } from "@/lib/generated/prisma/client";
import { formatMajorUnits } from "@/lib/catalog/money";
import { Checkbox, SelectField, TextArea, TextField } from "./fields";

export const PLAN_FIELD_LABELS: Record<string, string> = {
  slug: "Slug",
  name: "Name",
  description: "Description",
  maxMachines: "Machines",
  durationDays: "Duration",
  entitlements: "Entitlements",
  heartbeatSeconds: "Heartbeat",
  offlineGraceDays: "Offline grace",
  reminderDays: "Reminder",
  expirationStrategy: "After expiry",
  stripePriceId: "Stripe price id",
  price: "Price",
  currency: "Currency",
  billingInterval: "Billing",
  sortOrder: "Order",
  lemonSqueezyVariantId: "Lemon Squeezy variant id",
  trialDays: "Free trial",
};

export function PlanFields({ plan, scope }: { plan?: Plan; scope: string }) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {!plan && <TextField name="slug" label="Slug" required scope={scope} hint="Unique across all products; used by checkouts and the API. Cannot change later." />}
      <TextField name="name" label="Name" required defaultValue={plan?.name} scope={scope} />
      <TextArea name="description" label="Description" defaultValue={plan?.description ?? ""} scope={scope} className="sm:col-span-2" />
      <TextField name="maxMachines" type="number" min={1} max={10000} label="Machines (seats)" required defaultValue={plan?.maxMachines ?? 1} scope={scope} />
      <TextField name="durationDays" type="number" min={1} max={36500} label="Duration in days" defaultValue={plan?.durationDays} scope={scope} hint="Empty: perpetual." />
      <TextArea
        name="entitlements"
        label="Entitlements"
        rows={3}
        defaultValue={plan?.entitlements.join("\n") ?? ""}
        scope={scope}
        hint="Feature flags, one per line (letters, digits, _ . : -)."
      />
      <div className="space-y-3">
        <Checkbox name="floating" label="Floating seats" defaultChecked={plan?.floating ?? false} scope={scope} hint="Machines hold a seat only while they send heartbeats." />
        <TextField name="heartbeatSeconds" type="number" min={10} label="Heartbeat every (seconds)" defaultValue={plan?.heartbeatSeconds ?? 600} scope={scope} />
      </div>
      <TextField name="offlineGraceDays" type="number" min={0} max={365} label="Offline grace (days)" defaultValue={plan?.offlineGraceDays ?? 7} scope={scope} hint="0: no offline license files." />
      <TextField
        name="reminderDays"
        type="number"
        min={0}
        max={365}
        label="Reminder (days before the end)"
        defaultValue={plan?.reminderDays ?? 7}
        scope={scope}
        hint="The customer is emailed this many days before a license ends: one without a subscription, or a subscription set to end or whose payment is failing (never one that renews itself). 0: no reminder."
      />
      <SelectField
        name="expirationStrategy"
        label="After expiry"
        defaultValue={plan?.expirationStrategy ?? "RESTRICT"}
        scope={scope}
        hint="Keep releases published before expiry: a perpetual fallback license."
        options={[
          { value: "RESTRICT", label: "Nothing: downloads and updates stop" },
          { value: "MAINTAIN", label: "Keep releases published before expiry" },
        ]}
      />
      <TextField name="stripePriceId" label="Stripe price id" defaultValue={plan?.stripePriceId} scope={scope} hint="price_…; empty: not sold online." />
      <TextField name="price" label="Price shown" defaultValue={plan?.priceCents == null ? "" : formatMajorUnits(plan.priceCents, plan.currency ?? "usd")} scope={scope} hint="On the pricing page, in the currency's own unit: 49.00 for dollars, 5000 for yen, 1.250 for dinars; Stripe's price is charged. Empty: “Contact us”." />
      <TextField name="currency" label="Currency" defaultValue={plan?.currency ?? "usd"} scope={scope} />
      <SelectField
        name="billingInterval"
        label="Billing"
        defaultValue={plan?.billingInterval ?? ""}
        scope={scope}
        options={[
          { value: "", label: "One-time payment" },
          { value: "month", label: "Monthly subscription" },
          { value: "year", label: "Yearly subscription" },
        ]}
      />
      <TextField
        name="trialDays"
        type="number"
        min={1}
        max={365}
        label="Free trial (days)"
        defaultValue={plan?.trialDays}
        scope={scope}
        hint="The pricing page offers a trial license for this many days, one per customer and machine. Empty: no trial."
      />
      <TextField name="sortOrder" type="number" label="Order on the pricing page" defaultValue={plan?.sortOrder ?? 0} scope={scope} />
      <TextField
        name="lemonSqueezyVariantId"
        type="number"
        min={1}
        label="Lemon Squeezy variant id"
        defaultValue={plan?.lemonSqueezyVariantId}
        scope={scope}
        hint={`Moved from Lemon Squeezy? The variant this plan replaces: /v1/licenses answers it as meta.variant_id.${plan ? ` Empty: ${plan.number}.` : ""}`}
      />
    </div>
  );
}
