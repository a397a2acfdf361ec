// HTTP range requests (RFC 9110 §14): which bytes of a representation of
// `size` bytes a `Range` header asks for.
import type { ByteRange } from "../storage/types";

export type RangeAnswer =
  /** serve everything (no Range, one we ignore, or a failed If-Range) */
  | { kind: "full" }
  | { kind: "partial"; range: ByteRange }
  /** 416 with `Content-Range: bytes *\/size` */
  | { kind: "unsatisfiable" };

/**
 * One `bytes=` range: `first-last`, `first-` or `-suffixLength`. A malformed header is ignored
 * (§14.2: a server MAY ignore Range), and so is a multi-range request, which we answer with the
 * whole file rather than multipart/byteranges. A `first` at or past the end is unsatisfiable; a
 * `last` past the end is clamped.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: "full" };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "full" };
  const [first, last] = [m[1]!, m[2]!];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "partial", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: "unsatisfiable" };
  if (end < start) return { kind: "full" }; // first > last: syntactically invalid, ignored
  return { kind: "partial", range: { start, end } };
}
