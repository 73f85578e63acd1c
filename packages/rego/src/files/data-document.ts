// The base-data document built from data files, merged the way OPA's loader merges them: each file's
// document is placed at a path (its directory, see load.ts) and deep-merged into what earlier files
// built. Objects merge key by key; any other pair of values at the same path is a conflict, so no
// file silently overwrites another's value.
import type { JsonValue } from '../value.js';

/** A JSON object: the `data` document and its sub-documents. */
export type JsonObject = { [key: string]: JsonValue };

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Merges `doc` into `target` at `path` (segments under `data`). Returns the dotted path of the first
 * conflicting value (`data.a.b`), or undefined when merged. `target` is only changed when there is
 * no conflict. A document at the root must be an object: the caller checks that.
 */
export function mergeDocumentAt(target: JsonObject, path: string[], doc: JsonValue): string | undefined {
  let wrapped: JsonValue = doc;
  for (let i = path.length - 1; i >= 0; i--) wrapped = { [path[i]!]: wrapped };
  if (!isObject(wrapped)) throw new TypeError('the data root must be an object');
  const conflict = findConflict(target, wrapped, ['data']);
  if (conflict) return conflict;
  mergeInto(target, wrapped);
  return undefined;
}

function findConflict(a: JsonObject, b: JsonObject, at: string[]): string | undefined {
  for (const [k, v] of Object.entries(b)) {
    if (!Object.hasOwn(a, k)) continue;
    const existing = a[k];
    if (!isObject(existing) || !isObject(v)) return [...at, k].join('.');
    const deeper = findConflict(existing, v, [...at, k]);
    if (deeper) return deeper;
  }
  return undefined;
}

function mergeInto(a: JsonObject, b: JsonObject): void {
  for (const [k, v] of Object.entries(b)) {
    const existing = Object.hasOwn(a, k) ? a[k] : undefined;
    if (isObject(existing) && isObject(v)) mergeInto(existing, v);
    else a[k] = v;
  }
}

/**
 * Whether `data` has a value at `path` that a rule defined there would clash with: a value at the
 * path itself, or a non-object value at one of its prefixes (OPA's `storage.NonEmpty`).
 */
export function documentExistsAt(data: JsonObject, path: string[]): boolean {
  let node: JsonValue = data;
  for (const key of path) {
    if (!isObject(node)) return true;
    if (!Object.hasOwn(node, key)) return false;
    node = node[key]!;
  }
  return true;
}
