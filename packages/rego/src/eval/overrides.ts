// Persistent structures for `with` replacements of `input` and `data` paths.
import { ObjectValue, type Value } from '../value.js';

/** A trie of `with data.a.b as v` replacements. */
export interface Overrides {
  value: Value | undefined;
  children: Map<string, Overrides>;
}

/** No replacements. */
export const EMPTY_OVERRIDES: Overrides | undefined = undefined as Overrides | undefined;

/** Returns a copy of `ov` with `path` replaced by `v` (shares untouched branches). */
export function withOverride(ov: Overrides | undefined, path: string[], v: Value): Overrides {
  if (path.length === 0) return { value: v, children: new Map() };
  const children = new Map(ov?.children ?? []);
  const head = path[0]!;
  children.set(head, withOverride(ov?.children.get(head), path.slice(1), v));
  return { value: ov?.value, children };
}

/** Returns `base` with the value at `path` replaced by `v`, creating objects as needed. */
export function setPath(base: Value | undefined, path: string[], v: Value): Value {
  if (path.length === 0) return v;
  const obj = base instanceof ObjectValue ? ObjectValue.from(base.entries()) : new ObjectValue();
  const head = path[0]!;
  obj.set(head, setPath(obj.get(head), path.slice(1), v));
  return obj;
}
