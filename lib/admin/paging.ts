// One page of a list that is paged in the database (skip/take plus a count).
import { z } from "zod";

export type Page<T> = { items: T[]; total: number; page: number; pageCount: number; perPage: number };

export function pageOf<T>(items: T[], total: number, page: number, perPage: number): Page<T> {
  return { items, total, page, pageCount: Math.max(1, Math.ceil(total / perPage)), perPage };
}

/** The `page` query parameter of a console list; anything malformed is page 1 rather than an error page. */
export const pageParam = z.coerce.number().int().min(1).max(100_000).catch(1);
