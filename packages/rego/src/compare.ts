// Rego's total order and equality over values (OPA `ast.Compare`):
// null < boolean < number < string < array < object < set.
import { BigNum, compareNumbers } from './number.js';
import { ObjectValue, SetValue, type Value } from './value.js';

function rank(v: Value): number {
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 3;
  }
  if (v === null) return 0;
  if (v instanceof BigNum) return 2;
  if (Array.isArray(v)) return 4;
  if (v instanceof ObjectValue) return 5;
  return 6;
}

/** Compares strings by Unicode code point (Go compares UTF-8 bytes; JS `<` compares UTF-16 units). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (astral code points) must sort after U+E000..U+FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Three-way comparison in Rego's total order. */
export function compare(a: Value, b: Value): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a === false ? -1 : 1;
    case 2:
      return compareNumbers(a as number | BigNum, b as number | BigNum);
    case 3:
      return compareStrings(a as string, b as string);
    case 4:
      return compareLists(a as Value[], b as Value[]);
    case 5: {
      const x = a as ObjectValue;
      const y = b as ObjectValue;
      const kx = x.keys();
      const ky = y.keys();
      const n = Math.min(kx.length, ky.length);
      for (let i = 0; i < n; i++) {
        const c = compare(kx[i]!, ky[i]!);
        if (c !== 0) return c;
        const d = compare(x.get(kx[i]!)!, y.get(ky[i]!)!);
        if (d !== 0) return d;
      }
      return kx.length < ky.length ? -1 : kx.length > ky.length ? 1 : 0;
    }
    default:
      return compareLists((a as SetValue).values(), (b as SetValue).values());
  }
}

function compareLists(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

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
