import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateLicenseKey, KEY_ALPHABET } from "../licensing/keys";
import { readKeySearch } from "./license-search";

const prefixArb = fc.stringMatching(/^[A-Z0-9]{1,8}$/);
const keyArb = prefixArb.map((prefix) => generateLicenseKey(prefix));

describe("readKeySearch", () => {
  it("reads a whole key typed any way people type it as that key", () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const prefix = key.split("-")[0]!;
        for (const typed of [key, key.toLowerCase(), ` ${key} `, key.replace(/-/g, ""), key.replace(/-/g, " "), key.slice(prefix.length + 1)]) {
          expect(readKeySearch(typed, prefix).keys, typed).toEqual([key]);
        }
      }),
    );
  });

  it("reads the start of a key as its head, and a lone group as a first or a last group", () => {
    fc.assert(
      fc.property(keyArb, (key) => {
        const [prefix, first] = key.split("-") as [string, string];
        expect(readKeySearch(`${prefix}-${first}`, prefix)).toEqual({ keys: [], heads: [`${prefix}-${first}`], hint: first });
        expect(readKeySearch(first.toLowerCase(), prefix)).toEqual({ keys: [], heads: [`${prefix}-${first}`], hint: first });
      }),
    );
  });

  it("finds nothing to look up in text that cannot be part of a key", () => {
    expect(readKeySearch("hello world", "ZP")).toEqual({ keys: [], heads: [], hint: null });
    expect(readKeySearch("", "ZP")).toEqual({ keys: [], heads: [], hint: null });
    expect(readKeySearch("ZP-OOOOO", "ZP").keys).toEqual([]); // O is not in the alphabet
    expect(KEY_ALPHABET).not.toContain("O");
  });
});
