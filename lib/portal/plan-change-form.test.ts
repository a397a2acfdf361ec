import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_QUANTITY } from "../payments/upgrades";
import { planChangeForm } from "./plan-change-form";

const base = { licenseId: "4b0b1d1c-5b7e-4c2a-9a53-2f6f3d7c1e01", plan: "pro" };

describe("the portal's plan-change form", () => {
  it("takes a seat count only in decimal digits: '0x2', ' 2', '2e0' are not 2 seats", () => {
    for (const quantity of ["0x2", " 2", "2 ", "2e0", "2.0", "+2", "0b10", "２", "0", "-1", String(MAX_QUANTITY + 1), "1e3", ""]) {
      const result = planChangeForm.safeParse({ ...base, quantity });
      expect(result.success, JSON.stringify(quantity)).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["quantity"]);
    }
  });

  it("reads every seat count from 1 to MAX_QUANTITY, and 1 when the field is absent", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: MAX_QUANTITY }), (n) => {
        expect(planChangeForm.parse({ ...base, quantity: String(n) }).quantity).toBe(n);
      }),
    );
    expect(planChangeForm.parse(base).quantity).toBe(1);
  });
});
