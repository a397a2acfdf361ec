/**
 * `Content-Disposition: attachment` naming `filename` (RFC 6266 with RFC 5987's
 * `filename*`): an ASCII fallback for old clients and the exact UTF-8 name.
 */
export function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
