import { Checkbox } from "./fields";
import { WEBHOOK_EVENT_DESCRIPTIONS, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/schemas";
import { eventFieldName } from "@/lib/admin/webhooks";

/** The event filter of an endpoint form: one checkbox per type; none checked means every type. */
export function WebhookEventFields({ checked, scope }: { checked: readonly string[]; scope: string }) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Events</legend>
      <p id={`${scope}-events-hint`} className="text-xs text-slate-500">
        Leave all unchecked to receive every event, including types added later.
      </p>
      <div className="grid grid-cols-1 gap-x-4 sm:grid-cols-2">
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <Checkbox key={type} name={eventFieldName(type)} label={type} hint={WEBHOOK_EVENT_DESCRIPTIONS[type]} defaultChecked={checked.includes(type)} scope={scope} />
        ))}
      </div>
    </fieldset>
  );
}
