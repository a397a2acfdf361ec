import { describe, expect, it } from "vitest";
import { COUNT_CAP, pageOf } from "./paging";

describe("pageOf", () => {
  it("reports an exact total up to the cap", () => {
    expect(pageOf([], 51, 2, 25)).toEqual({ items: [], total: 51, totalCapped: false, page: 2, pageCount: 3, perPage: 25 });
    expect(pageOf([], COUNT_CAP, 1, 25)).toMatchObject({ total: COUNT_CAP, totalCapped: false, pageCount: COUNT_CAP / 25 });
    expect(pageOf([], 0, 1, 25)).toMatchObject({ total: 0, totalCapped: false, pageCount: 1 });
  });

  it("says \"at least the cap\" when the capped count read one row more", () => {
    expect(pageOf([], COUNT_CAP + 1, 1, 25)).toMatchObject({ total: COUNT_CAP, totalCapped: true, pageCount: COUNT_CAP / 25 });
  });
});
