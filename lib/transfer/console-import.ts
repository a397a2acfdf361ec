// The console's CSV import (/admin/transfer): a file of licenses in this portal's export
// layout or a Lemon Squeezy license-key export, checked by a dry run that says per license
// what would happen (create / update / unchanged / error and why), then applied the same
// way. Applying is idempotent: a second run of the same file reports every license
// unchanged and writes nothing (no rows, audit entries or webhook events).
import type { Actor } from "../audit/log";
import { prisma } from "../db/client";
import { ApiError } from "../http/errors";
import { IMPORT_BODY_LIMIT } from "../http/body";
import { readImportCsv, type CsvImport, type RowIds } from "./csv-import";
import { importLicenses, type ImportItemResult } from "./import";

/**
 * The largest CSV file the console takes, in bytes (8 MiB, as the admin API's bulk import
 * body): the upload is read up to this many bytes and refused with 413 as soon as more
 * arrive, so no file costs the server more memory than that.
 */
export const CSV_IMPORT_MAX_BYTES = IMPORT_BODY_LIMIT;
/** The most licenses one file may hold: the import is one transaction, which must stay short. */
export const CSV_IMPORT_MAX_LICENSES = 5_000;

/** One license of the file as the dry run (and the real run) reports it. */
export type CsvImportRow = ImportItemResult & { lines: number[] };

export type CsvImportReport = {
  dryRun: boolean;
  layout: CsvImport["layout"];
  created: number;
  updated: number;
  unchanged: number;
  errors: number;
  rows: CsvImportRow[];
};

const NOT_UTF8 = "The file is not UTF-8 text: save it as CSV (UTF-8)";

/**
 * The text of an uploaded CSV file's bytes, read as UTF-8 (a byte-order mark is kept; the
 * CSV reader skips it). One thing beyond UTF-8 is read rather than refused: a lone
 * surrogate written as WTF-8 does (ED A0..BF 80..BF, what JavaScript's and Java's
 * lenient encoders produce for a broken string), which becomes that lone UTF-16 code unit,
 * so the shared text type refuses the one cell holding it and the dry run names its line
 * (API.md "Input domain") instead of the whole file failing. Anything else that is not
 * UTF-8 (a Latin-1 or UTF-16 file, a surrogate pair written as two such sequences, which is
 * CESU-8) throws ApiError 400 for the whole file: that is a file saved in the wrong encoding.
 */
export function decodeCsvFile(bytes: Uint8Array): string {
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const decode = (part: Uint8Array) => {
    try {
      return utf8.decode(part);
    } catch {
      throw new ApiError("BAD_REQUEST", NOT_UTF8);
    }
  };
  // 0xED only ever leads a sequence (continuation bytes are 0x80-0xBF), so a scan finds every one.
  let out = "";
  let start = 0;
  let highEnd = -1; // where the last decoded high surrogate's bytes ended
  for (let i = bytes.indexOf(0xed); i >= 0 && i + 2 < bytes.length; i = bytes.indexOf(0xed, i + 1)) {
    const b1 = bytes[i + 1]!;
    const b2 = bytes[i + 2]!;
    if (b1 < 0xa0 || b1 > 0xbf || (b2 & 0xc0) !== 0x80) continue;
    const unit = 0xd000 | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
    if (unit >= 0xdc00 && highEnd === i) throw new ApiError("BAD_REQUEST", NOT_UTF8);
    out += decode(bytes.subarray(start, i)) + String.fromCharCode(unit);
    start = i + 3;
    highEnd = unit < 0xdc00 ? start : -1;
    i += 2;
  }
  return out + decode(bytes.subarray(start));
}

/**
 * The plan of a row that names none: the plan whose Lemon Squeezy variant id (or, unset,
 * its number: what the compatible API answers as `variant_id`) is the row's `variant_id`;
 * else the only plan of the product whose Lemon Squeezy product id (or number) is the row's
 * `product_id`; else `fallback`, the plan the admin chose for the file.
 */
async function planResolver(fallback: string | undefined): Promise<(ids: RowIds) => string | undefined> {
  const plans = await prisma().plan.findMany({
    where: { archivedAt: null },
    select: { slug: true, number: true, lemonSqueezyVariantId: true, product: { select: { number: true, lemonSqueezyProductId: true } } },
  });
  return ({ productId, variantId }) => {
    const byVariant = variantId === null ? undefined : plans.find((p) => (p.lemonSqueezyVariantId ?? p.number) === variantId);
    if (byVariant) return byVariant.slug;
    const ofProduct = productId === null ? [] : plans.filter((p) => (p.product.lemonSqueezyProductId ?? p.product.number) === productId);
    return ofProduct.length === 1 ? ofProduct[0]!.slug : fallback;
  };
}

/**
 * Imports the CSV `text` (see readImportCsv for its columns) as `actor`: with `dryRun` it
 * reports what would happen and changes nothing. Licenses already here are updated to
 * match the file (importLicenses `update`). Throws ApiError 400 for a file that is not CSV
 * or has no key column, 413 for more than CSV_IMPORT_MAX_LICENSES licenses.
 */
export async function importCsvFile(
  text: string,
  options: { defaultPlan?: string; dryRun: boolean; actor: Actor; ip: string | null },
): Promise<CsvImportReport> {
  let file: CsvImport;
  try {
    file = readImportCsv(text, await planResolver(options.defaultPlan));
  } catch (error) {
    throw new ApiError("BAD_REQUEST", `This is not a license CSV file: ${(error as Error).message}`);
  }
  if (file.items.length === 0) throw new ApiError("BAD_REQUEST", "The file has a header row but no licenses");
  if (file.items.length > CSV_IMPORT_MAX_LICENSES) {
    throw new ApiError("PAYLOAD_TOO_LARGE", `The file holds ${file.items.length} licenses; one import takes at most ${CSV_IMPORT_MAX_LICENSES}: split it into smaller files`);
  }
  const summary = await importLicenses(file.items, { actor: options.actor, ip: options.ip, dryRun: options.dryRun, update: true });
  return {
    dryRun: options.dryRun,
    layout: file.layout,
    created: summary.created,
    updated: summary.updated,
    unchanged: summary.unchanged,
    errors: summary.errors.length,
    rows: summary.items.map((item) => ({
      ...item,
      ...(item.result === "error" && !("plan" in file.items[item.index]!) && item.message?.startsWith("plan:")
        ? { message: "No plan: the row names none and no plan has its Lemon Squeezy product or variant id; choose a plan for such rows" }
        : {}),
      lines: file.lines[item.index] ?? [],
    })),
  };
}
