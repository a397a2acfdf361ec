// The console's plan form reads the price in the currency's own unit (issue 11, item 5).
import { describe, expect, it } from "vitest";
import { planFields } from "./plans";

const base = { name: "Pro", maxMachines: "3", entitlements: "" };
const parse = (fields: Record<string, string>) => planFields.safeParse({ ...base, ...fields });

describe("plan price field", () => {
  it("takes yen without decimals, dinars with three, dollars with two", () => {
    expect(parse({ price: "5000", currency: "jpy" }).success).toBe(true);
    expect(parse({ price: "5000.5", currency: "jpy" }).error?.issues[0]).toMatchObject({ path: ["price"], message: expect.stringContaining("JPY price has no decimals") });
    expect(parse({ price: "1.250", currency: "kwd" }).success).toBe(true);
    expect(parse({ price: "49.90", currency: "usd" }).success).toBe(true);
    expect(parse({ price: "49.905" }).error?.issues[0]?.path).toEqual(["price"]);
    expect(parse({ price: "3000000000", currency: "jpy" }).error?.issues[0]?.path).toEqual(["price"]);
  });

  it("refuses NUL in any text field as a field error", () => {
    expect(parse({ name: "Pro\u0000" }).error?.issues[0]?.path).toEqual(["name"]);
    expect(parse({ description: "a\u0000b" }).error?.issues[0]?.path).toEqual(["description"]);
  });
});
