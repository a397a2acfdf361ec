/**
 * Decodes the form bodies the Stripe SDK sends: nested keys in bracket notation
 * (`line_items[0][price]=price_1`, `metadata[plan]=pro`, `expand[]=customer`). `node:querystring`
 * only knows flat keys, and `qs` is not installed.
 */

export type FormValue = string | FormValue[] | FormObject;
export type FormObject = { [key: string]: FormValue };

// Keys that would reach Object.prototype through a plain object.
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = keyPath(key);
    if (path && !path.some((segment) => UNSAFE_KEYS.has(segment))) assign(root, path, value);
  }
  return arraysFromIndexes(root) as FormObject;
}

/** `a[b][0]` → ["a", "b", "0"]; `a[]` → ["a", ""]; malformed keys → null. */
function keyPath(key: string): string[] | null {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match?.[1]) return null;
  const rest = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "");
  return [match[1], ...rest];
}

function assign(target: FormObject, path: string[], value: string) {
  let node = target;
  path.forEach((segment, index) => {
    // `[]` appends: it takes the next free index of its container.
    const key = segment === "" ? String(Object.keys(node).length) : segment;
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const child = node[key];
    if (typeof child === "object" && !Array.isArray(child)) {
      node = child;
    } else {
      const created: FormObject = {};
      node[key] = created;
      node = created;
    }
  });
}

/** Containers whose keys are all 0..n-1 become arrays, as `line_items[0]` means a list. */
function arraysFromIndexes(value: FormValue): FormValue {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: FormObject = {};
  for (const key of keys) converted[key] = arraysFromIndexes(value[key] as FormValue);
  const isList = keys.length > 0 && keys.every((key, i) => key === String(i));
  return isList ? keys.map((key) => converted[key] as FormValue) : converted;
}
