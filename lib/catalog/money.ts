// Money as Stripe and the database keep it: an integer amount in the currency's
// minor unit, whose size depends on the currency. Stripe's rule
// (https://docs.stripe.com/currencies#zero-decimal and #three-decimal): most
// currencies have 2 decimals (5000 usd = $50.00), zero-decimal currencies have
// none (5000 jpy = ¥5,000) and a few have 3 (5000 kwd = KWD 5.000). Pure: the
// console's client components print money with it too.

/** Stripe's zero-decimal currencies: the amount is in whole units. */
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);
/** Stripe's three-decimal currencies: the amount is in thousandths. */
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

/** Decimal places of `currency`'s minor unit in Stripe amounts (ISO 4217 code, any case): 0, 2 or 3. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toLowerCase();
  return ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
}

/** An amount in minor units as a number of major units (5000 jpy → 5000, 4990 usd → 49.9). */
export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/**
 * Parses an amount typed in major units ("49", "49.90", "5000" for yen, "1.250" for dinars) into
 * minor units, or null when it is not a non-negative number with at most the currency's decimals.
 * Exact: done on the digits, not with floating point.
 */
export function parseMajorUnits(text: string, currency: string): number | null {
  const exp = currencyExponent(currency);
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > exp) return null;
  const minor = Number(m[1]) * 10 ** exp + Number(fraction.padEnd(exp, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

/**
 * An amount in minor units as exact decimal text in major units: "-12345.67" for -1234567 usd.
 * Done on the digits of the integer, never by dividing floats: 9007199254740991 usd is
 * 90071992547409.91, which float division rounds to .90 (and amounts up to the bigint range of
 * `payments.amount_cents` stay exact). A non-integer number (a chart's computed tick) is rounded
 * to the currency's decimals.
 */
function decimalText(minor: number | bigint, exp: number): string {
  if (typeof minor === "number" && !Number.isInteger(minor)) return (minor / 10 ** exp).toFixed(exp);
  const whole = BigInt(minor);
  const negative = whole < 0n;
  const digits = (negative ? -whole : whole).toString().padStart(exp + 1, "0");
  const text = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return negative ? `-${text}` : text;
}

/** An amount in minor units written in major units with the currency's decimals, no symbol ("49.90", "5000"); exact for any integer. */
export function formatMajorUnits(minor: number | bigint, currency: string): string {
  return decimalText(minor, currencyExponent(currency));
}

/**
 * An amount in minor units for people: "$49.90", "¥5,000", "KWD 5.000"; exact for any integer
 * amount (a number or a bigint up to the database's bigint range), since Intl formats the
 * decimal text itself rather than a float. Never throws: a stored code that Intl does not know
 * (say "xx1") is printed as "12.34 XX1".
 */
export function formatMoney(minor: number | bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const text = decimalText(minor, exp);
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: currency.toUpperCase(),
      minimumFractionDigits: exp,
      maximumFractionDigits: exp,
      // A string is formatted as the exact decimal it spells (Intl.NumberFormat v3, Node 20+).
    }).format(text as unknown as number);
  } catch {
    return `${text} ${currency.toUpperCase()}`;
  }
}

/** The exact sum of amounts in minor units, as a bigint (a sum of numbers past 2^53 would round). */
export function sumMinorUnits(amounts: Iterable<number | bigint>): bigint {
  let total = 0n;
  for (const amount of amounts) total += BigInt(amount);
  return total;
}

/**
 * A stored amount (`payments.amount_cents`, bigint since Stripe sends amounts
 * past int4, e.g. large IDR or JPY payments) as a number of minor units. Exact up
 * to Number.MAX_SAFE_INTEGER (2^53 − 1), far above the 12 digits Stripe allows.
 */
export function minorUnits(stored: bigint | number): number {
  return Number(stored);
}
