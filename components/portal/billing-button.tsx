import { secondaryButton } from "./buttons";

/** "Billing and invoices": posts to the action, which checks the session itself and redirects to Stripe's Billing Portal. */
export function BillingButton({ action }: { action: () => Promise<void> }) {
  return (
    <form action={action}>
      <button type="submit" className={secondaryButton}>
        Billing and invoices
      </button>
    </form>
  );
}
