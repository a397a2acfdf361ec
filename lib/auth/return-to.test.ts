import { describe, expect, it } from "vitest";
import { DEFAULT_RETURN_PATH, safeReturnPath } from "./return-to";

describe("safeReturnPath", () => {
  it("keeps paths on this site", () => {
    for (const path of ["/account", "/account/licenses/abc?deactivated=1", "/pricing#plans"]) expect(safeReturnPath(path)).toBe(path);
  });

  it("sends anything that could lead to another origin to the account page", () => {
    const offSite = ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example", "evil.example", ""];
    for (const value of [...offSite, undefined, null, 42, `/${"a".repeat(2000)}`]) expect(safeReturnPath(value)).toBe(DEFAULT_RETURN_PATH);
  });
});
