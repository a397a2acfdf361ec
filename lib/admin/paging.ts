// One page of a list that is paged in the database (skip/take plus a count).

export type Page<T> = { items: T[]; total: number; page: number; pageCount: number; perPage: number };

export function pageOf<T>(items: T[], total: number, page: number, perPage: number): Page<T> {
  return { items, total, page, pageCount: Math.max(1, Math.ceil(total / perPage)), perPage };
}
