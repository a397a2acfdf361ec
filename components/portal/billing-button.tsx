import { secondaryButton } from "./buttons";

/**
 * A button that posts to the action, which checks the session itself and redirects to Stripe's
 * Billing Portal. `licenseId`: the portal's Return link leads back to that license's page.
 */
export function BillingButton(props: { action: (data: FormData) => Promise<void>; licenseId?: string; label?: string; className?: string }) {
  return (
    <form action={props.action}>
      {props.licenseId && <input type="hidden" name="licenseId" value={props.licenseId} />}
      <button type="submit" className={props.className ?? secondaryButton}>
        {props.label ?? "Billing and invoices"}
      </button>
    </form>
  );
}
