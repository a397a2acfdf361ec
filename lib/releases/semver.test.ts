import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions, isSemVer, newestFirst, parseSemVer } from "./semver";

describe("SemVer", () => {
  it("orders semver.org's own example list (item 11)", () => {
    const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.9.0", "1.10.0", "2.0.0", "2.1.0", "2.1.1"];
    const shuffled = [...ordered].reverse().map((version) => ({ version }));
    expect(newestFirst(shuffled).map((v) => v.version)).toEqual([...ordered].reverse());
  });

  it("ignores build metadata for precedence and refuses what is not SemVer", () => {
    expect(compareVersions("1.0.0+build.1", "1.0.0+build.2")).toBe(0);
    for (const bad of ["v1.0.0", "1.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", " 1.0.0", "1.0.0.0", "", "9007199254740993.0.0"]) {
      expect(isSemVer(bad), bad).toBe(false);
    }
    expect(parseSemVer("1.2.3-rc.1+sha.5")).toEqual({ major: 1, minor: 2, patch: 3, prerelease: ["rc", 1], build: ["sha", "5"] });
  });

  const identifier = fc.oneof(fc.nat({ max: 50 }).map(String), fc.stringMatching(/^[a-z-][a-z0-9-]{0,4}$/));
  const version = fc
    .tuple(fc.nat({ max: 20 }), fc.nat({ max: 20 }), fc.nat({ max: 20 }), fc.array(identifier, { maxLength: 3 }))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre.length ? `-${pre.join(".")}` : ""}`);

  it("is a total order: antisymmetric and transitive, a prerelease below its release", () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0) expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        const core = a.split("-")[0]!;
        if (core !== a) expect(compareVersions(a, core)).toBeLessThan(0);
      }),
    );
  });
});
