// Rego equality (`==`): same type and same value, numbers by exact value. The total order
// (`compare`) lives in value.ts with the collections that iterate in it.
import { BigNum } from './number.js';
import { ObjectValue, SetValue, type Value } from './value.js';

/** Rego equality (`==`): same type and same value; numbers by exact value. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  // Literal numbers that keep their text (`1.0`) equal their canonical JS number.
  if (typeof a === 'number') return b instanceof BigNum && b.num === a;
  if (a instanceof BigNum) {
    if (typeof b === 'number') return a.num === b;
    return b instanceof BigNum && a.m === b.m && a.e === b.e;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (a instanceof ObjectValue) {
    if (!(b instanceof ObjectValue) || a.size !== b.size) return false;
    for (const k of a.keys()) {
      const w = b.get(k);
      if (w === undefined || !equals(a.get(k)!, w)) return false;
    }
    return true;
  }
  if (a instanceof SetValue) {
    if (!(b instanceof SetValue) || a.size !== b.size) return false;
    for (const v of a.values()) if (!b.has(v)) return false;
    return true;
  }
  return false;
}
