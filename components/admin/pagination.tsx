import Link from "next/link";
import { formatCount } from "../format";
import { buttons } from "./styles";

/** Previous/next links that keep the current filters; the page itself comes from the database. */
/**
 * `noun` is the singular and its plural, e.g. `["entry", "entries"]`: English plurals are not
 * all a trailing "s" (the audit log once said "15 entrys").
 */
export function Pagination(props: { basePath: string; params: Record<string, string | undefined>; page: number; pageCount: number; total: number; totalCapped?: boolean; noun: readonly [singular: string, plural: string] }) {
  const href = (page: number) => {
    const query = new URLSearchParams(Object.entries({ ...props.params, page: String(page) }).filter((e): e is [string, string] => Boolean(e[1])));
    return `${props.basePath}?${query}`;
  };
  return (
    <nav aria-label="Pages" className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p>
        {formatCount(props.total)}
        {props.totalCapped ? "+" : ""} {props.total === 1 && !props.totalCapped ? props.noun[0] : props.noun[1]} · page {props.page} of {props.pageCount}
        {props.totalCapped ? "+" : ""}
      </p>
      <div className="flex gap-2">
        {props.page > 1 && (
          <Link href={href(props.page - 1)} rel="prev" className={buttons.secondary}>
            ← Previous
          </Link>
        )}
        {props.page < props.pageCount && (
          <Link href={href(props.page + 1)} rel="next" className={buttons.secondary}>
            Next →
          </Link>
        )}
      </div>
    </nav>
  );
}
