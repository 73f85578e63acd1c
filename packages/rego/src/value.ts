// The runtime value model shared by the evaluator and every builtin.
//
//   null | boolean | string       → JS primitives
//   number                        → RegoNumber (JS number or BigNum, see number.ts)
//   array                         → Value[] (treat as immutable once built)
//   object                        → ObjectValue (any key type)
//   set                           → SetValue
//
// Objects and sets are hash maps keyed on a canonical string of the key (`keyOf`), so
// `{1: "a"}[1.0]` works and `{3.5, 3.50}` has one element. Iteration is always in Rego's
// sorted order, which OPA makes observable (comprehensions, `walk`, results): the total order
// (`compare`, OPA's `ast.Compare`) is defined here with the collections that iterate in it.
import { BigNum, compareNumbers, fromBigInt, numberKey, type RegoNumber } from './number.js';
import { RegoEvalError } from './errors.js';

/** Any Rego runtime value. */
export type Value = null | boolean | number | BigNum | string | Value[] | ObjectValue | SetValue;

/** Rego's type names, as used in error messages. */
export type TypeName = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object' | 'set';

// Non-string keys start with \u0001 so they never collide with plain string keys.
const TAG = '\u0001';

/** Canonical hash key of a value: equal values (by Rego equality) have equal keys. */
export function keyOf(v: Value): string {
  if (typeof v === 'string') return v.length > 0 && v.charCodeAt(0) === 1 ? TAG + 's' + v : v;
  if (v === null) return TAG + 'n';
  if (v === true) return TAG + 't';
  if (v === false) return TAG + 'f';
  if (typeof v === 'number' || v instanceof BigNum) return TAG + '#' + numberKey(v);
  if (Array.isArray(v)) {
    let s = TAG + '[' + v.length;
    for (const e of v) {
      const k = keyOf(e);
      s += ':' + k.length + ':' + k;
    }
    return s;
  }
  if (v instanceof ObjectValue) {
    const parts: string[] = [];
    for (const [k, val] of v.entries()) {
      const a = keyOf(k);
      const b = keyOf(val);
      parts.push(a.length + ':' + a + b.length + ':' + b);
    }
    return TAG + '{' + parts.length + ':' + parts.join('');
  }
  const parts: string[] = [];
  for (const e of v.values()) {
    const a = keyOf(e);
    parts.push(a.length + ':' + a);
  }
  return TAG + '<' + parts.length + ':' + parts.join('');
}

// Placeholder for lazily wrapped JSON objects; never written to.
const EMPTY_MAP: Map<string, Value> = new Map();

/** An object with arbitrary keys. Build with `set`, then treat as immutable. */
export class ObjectValue {
  // Either `json` (a lazily converted plain JSON object) or the two maps are authoritative.
  // Wrapped JSON objects allocate no maps until they are enumerated or modified.
  private json: Record<string, unknown> | null;
  private keyMap: Map<string, Value>;
  private valMap: Map<string, Value>;
  private sorted: Value[] | null = null;
  private kids: Map<string, Value> | undefined;

  constructor(json: Record<string, unknown> | null = null) {
    this.json = json;
    this.keyMap = json === null ? new Map() : EMPTY_MAP;
    this.valMap = json === null ? new Map() : EMPTY_MAP;
  }

  /** Builds an object from key/value pairs (later pairs win). */
  static from(entries: Iterable<readonly [Value, Value]>): ObjectValue {
    const o = new ObjectValue();
    for (const [k, v] of entries) o.set(k, v);
    return o;
  }

  /** Wraps a plain JSON object; children are converted on access. */
  static fromJSON(obj: Record<string, unknown>): ObjectValue {
    return new ObjectValue(obj);
  }

  private materialize(): void {
    const src = this.json;
    if (src === null) return;
    this.json = null;
    this.keyMap = new Map();
    this.valMap = new Map();
    for (const k of Object.keys(src)) {
      const v = src[k];
      if (v === undefined) continue;
      this.keyMap.set(keyOf(k), k);
      this.valMap.set(keyOf(k), this.kids?.get(k) ?? fromJS(v));
    }
    this.kids = undefined;
  }

  /** Adds or replaces a key (only while building). */
  set(k: Value, v: Value): void {
    if (this.json !== null) this.materialize();
    const key = keyOf(k);
    if (!this.keyMap.has(key)) this.sorted = null;
    this.keyMap.set(key, k);
    this.valMap.set(key, v);
  }

  /** Removes a key (only while building). */
  delete(k: Value): void {
    if (this.json !== null) this.materialize();
    const key = keyOf(k);
    if (this.keyMap.delete(key)) {
      this.valMap.delete(key);
      this.sorted = null;
    }
  }

  /** The value at key `k`, or undefined. */
  get(k: Value): Value | undefined {
    if (this.json !== null) {
      if (typeof k !== 'string' || !Object.hasOwn(this.json, k)) return undefined;
      const v = this.json[k];
      if (v === undefined) return undefined;
      if (v === null || typeof v !== 'object') return fromJS(v);
      // Composite children are converted once, so repeated refs into big inputs stay cheap.
      const kids = (this.kids ??= new Map());
      let c = kids.get(k);
      if (c === undefined) kids.set(k, (c = fromJS(v)));
      return c;
    }
    return this.valMap.get(typeof k === 'string' && (k.length === 0 || k.charCodeAt(0) !== 1) ? k : keyOf(k));
  }

  /** True when the key is present. */
  has(k: Value): boolean {
    return this.get(k) !== undefined;
  }

  /** Number of keys. */
  get size(): number {
    if (this.json !== null) this.materialize();
    return this.keyMap.size;
  }

  /** Keys in Rego sorted order. */
  keys(): Value[] {
    if (this.json !== null) this.materialize();
    if (this.sorted === null) this.sorted = [...this.keyMap.values()].sort(compare);
    return this.sorted;
  }

  /** Values in key order. */
  values(): Value[] {
    return this.keys().map((k) => this.valMap.get(keyOf(k))!);
  }

  /** [key, value] pairs in key order. */
  entries(): Array<[Value, Value]> {
    return this.keys().map((k) => [k, this.valMap.get(keyOf(k))!]);
  }
}

/** A set of values. Build with `add`, then treat as immutable. */
export class SetValue {
  private map: Map<string, Value> = new Map();
  private sorted: Value[] | null = null;

  /** Builds a set from values. */
  static from(values: Iterable<Value>): SetValue {
    const s = new SetValue();
    for (const v of values) s.add(v);
    return s;
  }

  /** Adds a value (only while building); returns false when it was already present. */
  add(v: Value): boolean {
    const k = keyOf(v);
    if (this.map.has(k)) return false;
    this.map.set(k, v);
    this.sorted = null;
    return true;
  }

  /** Membership test. */
  has(v: Value): boolean {
    return this.map.has(keyOf(v));
  }

  /** Number of elements. */
  get size(): number {
    return this.map.size;
  }

  /** Elements in Rego sorted order. */
  values(): Value[] {
    if (this.sorted === null) this.sorted = [...this.map.values()].sort(compare);
    return this.sorted;
  }
}

/** Rego type name of a value. */
export function typeName(v: Value): TypeName {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
  }
  if (v === null) return 'null';
  if (v instanceof BigNum) return 'number';
  if (Array.isArray(v)) return 'array';
  if (v instanceof ObjectValue) return 'object';
  return 'set';
}

/** True for numbers. */
export function isNumber(v: Value): v is RegoNumber {
  return typeof v === 'number' || v instanceof BigNum;
}

/** Converts a JS value (parsed JSON, plain objects, arrays, Sets, Maps) to a Rego value. */
export function fromJS(x: unknown): Value {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      if (!Number.isFinite(x))
        throw new RegoEvalError('eval_type_error', `cannot convert ${x} to a Rego number`);
      return x === 0 ? 0 : x;
    case 'bigint':
      return fromBigInt(x);
    case 'undefined':
      return null;
  }
  if (x === null) return null;
  if (Array.isArray(x)) {
    // Arrays of primitives are already valid Rego arrays: no copy needed. (This check stays
    // inline, not a call to isPrimitiveArray: fromJS is hot, and the call cost ~8% in bench (c).)
    for (let i = 0; i < x.length; i++) {
      const e = x[i];
      const t = typeof e;
      if (e !== null && t !== 'string' && t !== 'boolean' && !(t === 'number' && Number.isFinite(e))) {
        return fromJSArray(x);
      }
    }
    return x as Value[];
  }
  if (typeof x === 'object') {
    // Plain objects (parsed JSON) first: they are what inputs are made of.
    const proto = Object.getPrototypeOf(x);
    if (proto === Object.prototype || proto === null)
      return ObjectValue.fromJSON(x as Record<string, unknown>);
    if (x instanceof ObjectValue || x instanceof SetValue || x instanceof BigNum) return x;
    if (x instanceof Set) return SetValue.from([...x].map(fromJS));
    if (x instanceof Map) return ObjectValue.from([...x].map(([k, v]) => [fromJS(k), fromJS(v)] as const));
    if (typeof (x as { toJSON?: unknown }).toJSON === 'function')
      return fromJS((x as { toJSON(): unknown }).toJSON());
    return ObjectValue.fromJSON(x as Record<string, unknown>);
  }
  throw new RegoEvalError('eval_type_error', `cannot convert ${typeof x} to a Rego value`);
}

/** True when every element is already a valid Rego value (primitives): no copy needed. */
function isPrimitiveArray(x: unknown[]): boolean {
  for (let i = 0; i < x.length; i++) {
    const e = x[i];
    const t = typeof e;
    if (e !== null && t !== 'string' && t !== 'boolean' && !(t === 'number' && Number.isFinite(e)))
      return false;
  }
  return true;
}

/**
 * Converts a JS array, nested arrays with an explicit stack: a deeply nested input (a JSON
 * document of 100000 `[`) must not overflow the JS stack before evaluation even starts.
 */
function fromJSArray(root: unknown[]): Value[] {
  if (isPrimitiveArray(root)) return root as Value[];
  const out: Value[] = new Array(root.length);
  const stack: Array<{ src: unknown[]; dst: Value[]; i: number }> = [{ src: root, dst: out, i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i === top.src.length) {
      stack.pop();
      continue;
    }
    const e = top.src[top.i];
    if (Array.isArray(e) && !isPrimitiveArray(e)) {
      const dst: Value[] = new Array(e.length);
      top.dst[top.i++] = dst;
      stack.push({ src: e, dst, i: 0 });
    } else top.dst[top.i++] = Array.isArray(e) ? (e as Value[]) : fromJS(e);
  }
  return out;
}

/** JSON form of a value, as OPA returns results. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/**
 * Converts a Rego value to JSON: sets become sorted arrays, non-string object keys become
 * their JSON text, big numbers become the nearest double. Beyond the double range that is
 * ±Number.MAX_VALUE, never Infinity: JSON cannot carry it (OPA would print the exact digits,
 * which a JS number cannot hold).
 */
export function toJSON(v: Value): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (v instanceof BigNum) return bigNumToJSON(v);
  // Containers with an explicit stack: a result nested thousands deep (json.unmarshal allows
  // 10000 levels) must not overflow the JS stack after the evaluation has succeeded.
  type Slot = JsonValue[] | { [k: string]: JsonValue };
  const root: { [k: string]: JsonValue } = {};
  const stack: Array<[Slot, string | number, Value]> = [[root, 'v', v]];
  while (stack.length > 0) {
    const [target, key, x] = stack.pop()!;
    let out: JsonValue;
    if (x === null || typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number') out = x;
    else if (x instanceof BigNum) out = bigNumToJSON(x);
    else if (Array.isArray(x) || x instanceof SetValue) {
      const items = Array.isArray(x) ? x : x.values();
      const arr: JsonValue[] = new Array<JsonValue>(items.length);
      for (let i = items.length - 1; i >= 0; i--) stack.push([arr, i, items[i]!]);
      out = arr;
    } else {
      const obj: { [k: string]: JsonValue } = {};
      const entries = x.entries();
      // Keys first, in order (placeholders), then their values from the stack.
      const keys = entries.map(([k]) => (typeof k === 'string' ? k : JSON.stringify(toJSON(k))));
      for (const k of keys) setOwn(obj, k, null);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([obj, keys[i]!, entries[i]![1]]);
      out = obj;
    }
    if (Array.isArray(target)) target[key as number] = out;
    else setOwn(target, key as string, out);
  }
  return root.v!;
}

function bigNumToJSON(v: BigNum): number {
  const d = Number(`${v.m}e${v.e}`);
  return Number.isFinite(d) ? d : d > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

/** Sets an own property; `__proto__` must become an own property, not the prototype. */
function setOwn(o: { [k: string]: JsonValue }, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

// ---- Rego's total order (OPA `ast.Compare`): null < boolean < number < string < array < object < set.

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
