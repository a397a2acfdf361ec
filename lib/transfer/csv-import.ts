// A CSV file of licenses turned into import items (lib/transfer/import.ts). Two layouts are
// read, told apart by nothing but their header names (compared without case, spaces, dashes
// or underscores, so "expiresAt", "expires_at" and "Expires At" are one column):
//
// - this portal's licenses export (lib/transfer/export.ts): plan, email, key, name, status,
//   expiresAt, maxMachines, createdAt, machineFingerprint, machineName, machineActivatedAt;
//   one row per machine, so rows with the same key are one license, each adding its machine.
// - a Lemon Squeezy license-key export, whose columns are the attributes of its license-key
//   object (https://docs.lemonsqueezy.com/api/license-keys): key, user_email, user_name,
//   status (inactive | active | expired | disabled), disabled, activation_limit, expires_at,
//   created_at, product_id (and variant_id when present). Such rows name no plan: the
//   caller's `planFor` finds it (a plan or product with those Lemon Squeezy ids, or the plan
//   chosen for the file). Its instances, when a column names them (instance_id,
//   instance_name), become machines as in the API import.
//
// Other columns (id, number, product, keyHint, activeMachines, order_id, ...) are ignored.
// An empty expiresAt means perpetual (both exports write perpetual licenses so); a file
// without the column leaves the expiry to the plan. An empty seat count means the plan's.
import { parseDecimalInteger } from "../http/input";
import { normalizeLicenseKey } from "../licensing/keys";
import { parseCsv } from "./csv";

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === "";
// The export prefixes names that a spreadsheet would run as formulas with '; take it off again.
const unescapeCell = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

/** Header names (normalised: lower case, letters and digits only) of each field, ours first. */
const COLUMNS = {
  plan: ["plan"],
  key: ["key", "licensekey"],
  email: ["email", "useremail", "customeremail"],
  name: ["name", "username", "customername"],
  status: ["status"],
  disabled: ["disabled"],
  expiresAt: ["expiresat"],
  maxMachines: ["maxmachines", "activationlimit"],
  createdAt: ["createdat"],
  productId: ["productid"],
  variantId: ["variantid"],
  machineFingerprint: ["machinefingerprint", "instanceid", "instanceidentifier"],
  machineName: ["machinename", "instancename"],
  machineActivatedAt: ["machineactivatedat", "instancecreatedat"],
} as const;
type Field = keyof typeof COLUMNS;

const normalise = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Lemon Squeezy's statuses as this portal's: an unused key is simply active here, a disabled one suspended (reversible). */
const LEMON_SQUEEZY_STATUS: Record<string, string> = { inactive: "ACTIVE", active: "ACTIVE", expired: "EXPIRED", disabled: "SUSPENDED" };

/**
 * An instant as written by spreadsheets and dashboards: RFC 3339 passes unchanged (the
 * import schema checks it); "YYYY-MM-DD HH:MM[:SS]" without an offset is read as UTC.
 */
function instantText(value: string): string {
  const v = value.trim();
  const plain = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(v);
  return plain ? `${plain[1]}T${plain[2]}${plain[3] ?? ":00"}Z` : v;
}

/** The Lemon Squeezy ids a row carries, for `planFor`. */
export type RowIds = { productId: number | null; variantId: number | null };

export type CsvImport = {
  /** the import items, in the order their keys first appear */
  items: Record<string, unknown>[];
  /** per item, the file's line numbers it was read from (line 1 is the header) */
  lines: number[][];
  /** the layout recognised, for the console to say what it read */
  layout: "portal" | "lemonsqueezy";
};

/**
 * Reads a CSV document as import items. `planFor` names the plan of a row without a `plan`
 * column value (undefined: none, and the import reports the item). Values stay strings where
 * the import schema checks them; a number column that is not a number is passed on as text,
 * so the import reports it for that item. Throws an Error for a file that is not CSV (an
 * unclosed quote) or has no key column.
 */
export function readImportCsv(text: string, planFor: (ids: RowIds) => string | undefined = () => undefined): CsvImport {
  const records = parseCsv(text);
  const headers = records[0] ? Object.keys(records[0]) : (text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0] ?? "").split(",").map((h) => h.trim());
  const column = new Map<Field, string>();
  for (const field of Object.keys(COLUMNS) as Field[]) {
    const header = headers.find((h) => (COLUMNS[field] as readonly string[]).includes(normalise(h)));
    if (header !== undefined) column.set(field, header);
  }
  if (!column.has("key")) throw new Error(`The file has no key column (its header row is: ${headers.join(", ").slice(0, 200) || "empty"})`);
  const layout = column.has("plan") || column.has("machineFingerprint") ? "portal" : "lemonsqueezy";
  const get = (row: Record<string, string>, field: Field) => {
    const header = column.get(field);
    return header === undefined ? undefined : row[header];
  };
  // Numbers in cells follow the shared whole-number rule (lib/http/input.ts): decimal digits as
  // written, so " 5", "5.0", "+5", "0x5" and "1e1" are not quietly read as 5 (Number() and a
  // trimmed /^\d+$/ took some of them, and 20 digits became an inexact float).
  const id = (v: string | undefined) => {
    const n = v === undefined ? null : parseDecimalInteger(v);
    return n !== null && n > 0 ? n : null;
  };

  const items = new Map<string, { item: Record<string, unknown> & { machines: Record<string, string>[] }; lines: number[] }>();
  // parseCsv skips blank lines; the line of a record is counted from the file as written.
  const lineNumbers = recordLines(text);
  records.forEach((row, i) => {
    const line = lineNumbers[i] ?? i + 2;
    const key = get(row, "key");
    const identity = blank(key) ? `line:${line}` : normalizeLicenseKey(key);
    let entry = items.get(identity);
    if (!entry) {
      const item: Record<string, unknown> & { machines: Record<string, string>[] } = { machines: [] };
      const plan = get(row, "plan");
      const resolved = blank(plan) ? planFor({ productId: id(get(row, "productId")), variantId: id(get(row, "variantId")) }) : plan.trim();
      if (resolved) item.plan = resolved;
      const email = get(row, "email");
      if (!blank(email)) item.email = email.trim();
      if (!blank(key)) item.key = key;
      const name = get(row, "name");
      if (!blank(name)) item.name = unescapeCell(name.trim());
      const status = get(row, "status");
      const disabled = get(row, "disabled");
      if (!blank(status)) item.status = LEMON_SQUEEZY_STATUS[status.trim().toLowerCase()] ?? status.trim().toUpperCase();
      if (!blank(disabled) && /^(1|true|yes)$/i.test(disabled.trim())) item.status = "SUSPENDED";
      if (column.has("expiresAt")) {
        const expires = get(row, "expiresAt");
        item.expiresAt = blank(expires) ? null : instantText(expires);
      }
      if (column.has("maxMachines")) {
        const seats = get(row, "maxMachines");
        // Not a whole number in decimal digits: passed on as text, so the import reports the item.
        item.maxMachines = blank(seats) ? null : (parseDecimalInteger(seats) ?? seats);
      }
      const created = get(row, "createdAt");
      if (!blank(created)) item.createdAt = instantText(created);
      entry = { item, lines: [] };
      items.set(identity, entry);
    }
    entry.lines.push(line);
    const fingerprint = get(row, "machineFingerprint");
    if (!blank(fingerprint)) {
      const machineName = get(row, "machineName");
      const activated = get(row, "machineActivatedAt");
      entry.item.machines.push({
        fingerprint,
        ...(blank(machineName) ? {} : { name: unescapeCell(machineName) }),
        ...(blank(activated) ? {} : { activatedAt: instantText(activated) }),
      });
    }
  });
  const list = [...items.values()];
  return { items: list.map((e) => e.item), lines: list.map((e) => e.lines), layout };
}

/** The import items of a CSV document (readImportCsv without plan resolution). */
export function csvToImportItems(text: string): Record<string, unknown>[] {
  return readImportCsv(text).items;
}

/**
 * The line on which each non-blank record after the header starts, counting line breaks
 * inside quoted fields as parseCsv does, so "line 7" in the dry run is line 7 in an editor.
 */
function recordLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let quoted = false;
  let recordStart = 1;
  let content = false;
  const source = text.replace(/^\uFEFF/, "");
  for (let i = 0; i <= source.length; i++) {
    const c = source[i];
    if (c === undefined || (!quoted && (c === "\n" || c === "\r"))) {
      if (content) starts.push(recordStart);
      if (c === "\r" && source[i + 1] === "\n") i++;
      line++;
      recordStart = line;
      content = false;
      continue;
    }
    if (c === '"') quoted = !quoted;
    else if (c === "\n") line++;
    else if (c !== "," && c.trim() !== "") content = true;
  }
  return starts.slice(1); // the first is the header
}
