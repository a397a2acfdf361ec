// A CSV file of licenses (as the licenses CSV export writes it, or a spreadsheet a vendor
// made from another system's export) turned into import items. Columns, by header name:
// plan, email, key, name, status, expiresAt, maxMachines, createdAt, machineFingerprint,
// machineName, machineActivatedAt; others are ignored. Rows with the same key are one license, each row adding
// the machine it names. An empty expiresAt means perpetual (the export writes perpetual
// licenses so); a file without the column leaves the expiry to the plan.
import { normalizeLicenseKey } from "../licensing/keys";
import { parseCsv } from "./csv";

const blank = (v: string | undefined) => v === undefined || v.trim() === "";
// The export prefixes names that a spreadsheet would run as formulas with '; take it off again.
const unescapeCell = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

/**
 * The import items of a CSV document, in the order their keys first appear. Values stay
 * strings where the import schema checks them; a number column that is not a number is
 * passed on as text, so the import reports it for that item. Throws an Error for a file
 * that is not CSV (an unclosed quote).
 */
export function csvToImportItems(text: string): Record<string, unknown>[] {
  const items = new Map<string, Record<string, unknown> & { machines: { fingerprint: string; name?: string; activatedAt?: string }[] }>();
  const order: Record<string, unknown>[] = [];
  parseCsv(text).forEach((row, i) => {
    const key = row.key ?? "";
    const id = blank(key) ? `row:${i}` : normalizeLicenseKey(key);
    let item = items.get(id);
    if (!item) {
      item = { machines: [] };
      if (!blank(row.plan)) item.plan = row.plan!.trim();
      if (!blank(row.email)) item.email = row.email;
      if (!blank(key)) item.key = key;
      if (!blank(row.name)) item.name = unescapeCell(row.name!.trim());
      if (!blank(row.status)) item.status = row.status!.trim().toUpperCase();
      if ("expiresAt" in row) item.expiresAt = blank(row.expiresAt) ? null : row.expiresAt!.trim();
      if (!blank(row.maxMachines)) item.maxMachines = /^\d+$/.test(row.maxMachines!.trim()) ? Number(row.maxMachines) : row.maxMachines;
      if (!blank(row.createdAt)) item.createdAt = row.createdAt!.trim();
      items.set(id, item);
      order.push(item);
    }
    if (!blank(row.machineFingerprint)) {
      item.machines.push({
        fingerprint: row.machineFingerprint!,
        ...(blank(row.machineName) ? {} : { name: unescapeCell(row.machineName!) }),
        ...(blank(row.machineActivatedAt) ? {} : { activatedAt: row.machineActivatedAt!.trim() }),
      });
    }
  });
  return order;
}
