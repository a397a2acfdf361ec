// Semantic Versioning 2.0.0 (https://semver.org): parsing and precedence.
// Release versions are stored as text; every ordering of releases goes through
// `compareVersions`, so `1.10.0` sorts after `1.9.0` and `1.0.0-rc.1` before `1.0.0`.

/** A parsed version. Numeric parts are bigint-free numbers: SemVer allows any size, we cap at 2^53-1. */
export type SemVer = {
  major: number;
  minor: number;
  patch: number;
  /** dot-separated prerelease identifiers (`["rc", 1]`); empty for a normal version */
  prerelease: (string | number)[];
  /** build metadata identifiers: kept for display, ignored by precedence (spec item 10) */
  build: string[];
};

// The grammar of semver.org's "Backus–Naur Form Grammar", as a regular expression
// (the one the specification itself suggests, without a leading "v").
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The longest version text accepted; far beyond any real one, it bounds the work and the column. */
export const MAX_VERSION_LENGTH = 128;

/** Parses a SemVer 2.0.0 version (no "v" prefix, no surrounding space); null when it is not one. */
export function parseSemVer(text: string): SemVer | null {
  if (text.length > MAX_VERSION_LENGTH) return null;
  const m = SEMVER.exec(text);
  if (!m) return null;
  const nums = [m[1], m[2], m[3]].map(Number);
  if (nums.some((n) => !Number.isSafeInteger(n))) return null;
  const prerelease = m[4] === undefined ? [] : m[4].split(".").map((id) => (/^\d+$/.test(id) ? Number(id) : id));
  if (prerelease.some((id) => typeof id === "number" && !Number.isSafeInteger(id))) return null;
  return { major: nums[0]!, minor: nums[1]!, patch: nums[2]!, prerelease, build: m[5] === undefined ? [] : m[5].split(".") };
}

export const isSemVer = (text: string) => parseSemVer(text) !== null;

function compareIdentifiers(a: string | number, b: string | number): number {
  // Spec item 11.4: numeric identifiers compare numerically and rank below alphanumeric ones,
  // which compare in ASCII order.
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer precedence of two parsed versions: negative, 0 (equal precedence) or positive. */
export function compareSemVer(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // A version without prerelease outranks any prerelease of the same core (item 11.3).
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.min(a.prerelease.length, b.prerelease.length); i++) {
    const c = compareIdentifiers(a.prerelease[i]!, b.prerelease[i]!);
    if (c !== 0) return Math.sign(c);
  }
  return Math.sign(a.prerelease.length - b.prerelease.length);
}

/**
 * SemVer precedence of two version strings. Throws for text that is not SemVer:
 * callers validate input first (stored versions always are).
 */
export function compareVersions(a: string, b: string): number {
  const pa = parseSemVer(a);
  const pb = parseSemVer(b);
  if (!pa || !pb) throw new Error(`not a SemVer version: ${pa ? b : a}`);
  return compareSemVer(pa, pb);
}

/** A copy of `items` sorted newest version first (stable for equal precedence). */
export function newestFirst<T extends { version: string }>(items: readonly T[]): T[] {
  return [...items].sort((x, y) => compareVersions(y.version, x.version));
}
