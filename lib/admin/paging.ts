// One page of a list that is paged in the database (skip/take plus a count).
import { integerText } from "../http/input";

/**
 * `total` is counted up to COUNT_CAP; `totalCapped` says there are more. An
 * exact count of a million rows costs PostgreSQL a scan of them all on every
 * page view (hundreds of ms); nobody pages through 400 pages of 25.
 */
export type Page<T> = { items: T[]; total: number; totalCapped: boolean; page: number; pageCount: number; perPage: number };

/** The most rows a list's count reads: lists report "10,000+" beyond it. */
export const COUNT_CAP = 10_000;

/**
 * `counted` is a count limited to COUNT_CAP + 1 rows (Prisma's `count({ where, take: COUNT_CAP + 1 })`),
 * so more than COUNT_CAP means "at least that many".
 */
export function pageOf<T>(items: T[], counted: number, page: number, perPage: number): Page<T> {
  const total = Math.min(counted, COUNT_CAP);
  return { items, total, totalCapped: counted > COUNT_CAP, page, pageCount: Math.max(1, Math.ceil(total / perPage)), perPage };
}

/** The `page` query parameter of a console list; anything malformed is page 1 rather than an error page. */
export const pageParam = integerText(1, 100_000).catch(1);
