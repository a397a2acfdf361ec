// Dates, money and counts as the console and the portal print them. Pages render
// on the server, which does not know the reader's time zone, so times say UTC
// rather than pretend to be local.
const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });
const dateTimeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", hourCycle: "h23", timeZone: "UTC" });

export function formatDate(value: Date | string | null, withTime = true): string {
  if (value === null) return "—";
  const date = typeof value === "string" ? new Date(value) : value;
  return withTime ? `${dateTimeFormat.format(date)} UTC` : dateFormat.format(date);
}

export { formatMoney } from "@/lib/catalog/money";

export function formatCount(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}
