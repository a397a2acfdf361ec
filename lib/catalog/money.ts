// Amounts in minor units (cents), as Stripe and the database keep them. Pure: the
// admin console's client components print money with it too.
export function formatMoney(cents: number, currency: string): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(cents / 100);
}
