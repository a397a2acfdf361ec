// CSV as RFC 4180 writes it (comma-separated, CRLF line ends, fields quoted when they
// hold a comma, quote or line break, quotes doubled), for exports a spreadsheet opens
// and imports a spreadsheet saved.

/** One CSV document: a header row of `columns`, then one row per record. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const line = (values: unknown[]) => values.map(cell).join(",");
  return [line([...columns]), ...rows.map((row) => line(columns.map((c) => row[c])))].join("\r\n") + "\r\n";
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : Array.isArray(value) ? value.join(" ") : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The records of a CSV document, keyed by its header row (names trimmed). Accepts CRLF or LF
 * line ends, a UTF-8 byte-order mark and a missing final line end; blank lines are skipped.
 * Throws an Error naming the line when a quoted field is not closed.
 */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  const source = text.replace(/^\uFEFF/, "");
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && source[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      line++;
    } else field += c;
  }
  if (quoted) throw new Error(`Line ${line}: a quoted field is not closed`);
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  const nonBlank = rows.filter((r) => r.some((v) => v.trim() !== ""));
  const [header, ...records] = nonBlank;
  if (!header) return [];
  const names = header.map((h) => h.trim());
  return records.map((r) => Object.fromEntries(names.map((name, i) => [name, r[i] ?? ""])));
}
