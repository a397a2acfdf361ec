// Where to send someone after signing in: only a path on this site, never another
// origin. Besides "//host", browsers read "/\host" as "//host" and drop tabs and
// newlines inside a URL ("/\t/host"), so those are refused too.
const LOCAL_PATH = /^\/(?![/\\])[^\s\x00-\x1f\x7f]*$/;

export const DEFAULT_RETURN_PATH = "/account";

/** `value` when it is a path on this site, else the account page. */
export function safeReturnPath(value: unknown): string {
  return typeof value === "string" && value.length <= 2000 && LOCAL_PATH.test(value) ? value : DEFAULT_RETURN_PATH;
}
