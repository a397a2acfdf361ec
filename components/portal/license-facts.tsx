import { DateTime } from "./date-time";

export type LicenseFactsProps = {
  expiresAt: Date | null;
  /** a subscription renewing by itself: the date is its next renewal */
  renews?: boolean;
  /** a subscription set to end at its period's end */
  cancelAtPeriodEnd?: boolean;
  seatsUsed: number;
  seatsTotal: number;
  floating: boolean;
  /** the features by the vendor's names for them, not the entitlement codes */
  features: string[];
};

/** Expiry, seats and features: the same three facts on the list and on the license page. */
export function LicenseFacts(props: LicenseFactsProps) {
  return (
    <dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
      <div>
        <dt className="text-slate-500">{props.expiresAt && props.renews ? "Renews on" : props.expiresAt && props.cancelAtPeriodEnd ? "Ends on" : "Expires"}</dt>
        <dd>{props.expiresAt ? <DateTime value={props.expiresAt} withTime={false} /> : "Perpetual"}</dd>
      </div>
      <div>
        <dt className="text-slate-500">Machines</dt>
        <dd data-testid="seats">
          {props.seatsUsed} of {props.seatsTotal} in use{props.floating ? " (floating)" : ""}
        </dd>
      </div>
      <div>
        <dt className="text-slate-500">Features</dt>
        <dd>{props.features.length ? props.features.join(", ") : "—"}</dd>
      </div>
    </dl>
  );
}
