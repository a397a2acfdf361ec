// Where to send someone after signing in: only a path on this site, never another
// origin. Besides "//host", browsers read "/\host" as "//host" and drop tabs and
// newlines inside a URL ("/\t/host"), so those are refused too.
const LOCAL_PATH = /^\/(?![/\\])[^\s\x00-\x1f\x7f]*$/;

/** Sends admins to the console and customers to their licenses (app/signin/continue/page.tsx). */
export const DEFAULT_RETURN_PATH = "/signin/continue";

/** `value` when it is a path on this site, else the page that picks the console or the account. */
export function safeReturnPath(value: unknown): string {
  return typeof value === "string" && value.length <= 2000 && LOCAL_PATH.test(value) ? value : DEFAULT_RETURN_PATH;
}
