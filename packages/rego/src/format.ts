// Text forms of values, all in Go's spelling because OPA's output is the reference: number
// text, Rego's `String()` form (sprintf, print, string templates, messages) and OPA's JSON
// encoding (json.marshal and friends).
import { BigNum, decimalOfDouble, type RegoNumber } from './number.js';
import { ObjectValue, SetValue, compareStrings, type Value } from './value.js';

/** Plain decimal text of a number (`1`, `0.25`, `1e400` only when enormous). */
export function numberText(n: RegoNumber): string {
  if (typeof n === 'number') {
    if (Number.isSafeInteger(n)) return String(n);
    const s = String(n);
    if (!s.includes('e')) return s;
    const d = decimalOfDouble(n);
    return new BigNum(d.m, d.e).toString();
  }
  return n.toString();
}

/** Go's `strconv.Quote`: double-quoted with Go escapes; printable Unicode is kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if ((c >= 0x80 && c < 0xa0) || c === 0xad || (c >= 0xd800 && c < 0xe000) || c === 0xfeff)
      out += c > 0xffff ? '\\U' + c.toString(16).padStart(8, '0') : '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/**
 * Called once per array, object and set while a value is written out, so that a builtin
 * writing a huge document can stop at its budget (it throws to stop).
 */
export type Tick = () => void;

const NO_TICK: Tick = () => {};

/** Rego's text form of a value (`ast.Value.String()`): `[1, "a"]`, `{"a": 1}`, `{1, 2}`, `set()`. */
export function regoText(v: Value): string {
  return boundedRegoText(v, NO_TICK);
}

/** `regoText` calling `tick` once per array, object and set. */
export function boundedRegoText(v: Value, tick: Tick): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || v instanceof BigNum) return numberText(v);
  tick();
  if (Array.isArray(v)) return `[${v.map((x) => boundedRegoText(x, tick)).join(', ')}]`;
  if (v instanceof ObjectValue)
    return `{${v
      .entries()
      .map(([k, x]) => `${boundedRegoText(k, tick)}: ${boundedRegoText(x, tick)}`)
      .join(', ')}}`;
  const vals = (v as SetValue).values();
  return vals.length === 0 ? 'set()' : `{${vals.map((x) => boundedRegoText(x, tick)).join(', ')}}`;
}

/** JSON string literal with Go's HTML-safe escapes (`<`, `>`, `&`, U+2028, U+2029). */
function jsonQuote(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** OPA's compact JSON encoding: sorted keys, sets as arrays, non-string keys as their JSON text. */
export function jsonMarshal(v: Value): string {
  return boundedJsonMarshal(v, NO_TICK);
}

/** `jsonMarshal` calling `tick` once per array, object and set. */
export function boundedJsonMarshal(v: Value, tick: Tick): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return jsonQuote(v);
  if (typeof v === 'number' || v instanceof BigNum) return numberText(v);
  tick();
  if (Array.isArray(v)) return `[${v.map((x) => boundedJsonMarshal(x, tick)).join(',')}]`;
  if (v instanceof SetValue)
    return `[${v
      .values()
      .map((x) => boundedJsonMarshal(x, tick))
      .join(',')}]`;
  const entries = v
    .entries()
    .map(([k, x]) => [typeof k === 'string' ? k : boundedJsonMarshal(k, tick), x] as const);
  entries.sort((a, b) => compareStrings(a[0], b[0]));
  return `{${entries.map(([k, x]) => `${jsonQuote(k)}:${boundedJsonMarshal(x, tick)}`).join(',')}}`;
}

/** Indented JSON like Go's `json.MarshalIndent(v, prefix, indent)`. */
export function jsonMarshalIndent(
  v: Value,
  prefix: string,
  indent: string,
  tick: Tick = NO_TICK,
  depth = 0,
): string {
  const nl = (d: number): string => '\n' + prefix + indent.repeat(d);
  if (Array.isArray(v) || v instanceof SetValue || v instanceof ObjectValue) tick();
  if (Array.isArray(v) || v instanceof SetValue) {
    const items = Array.isArray(v) ? v : v.values();
    if (items.length === 0) return '[]';
    return `[${items.map((x) => nl(depth + 1) + jsonMarshalIndent(x, prefix, indent, tick, depth + 1)).join(',')}${nl(depth)}]`;
  }
  if (v instanceof ObjectValue) {
    if (v.size === 0) return '{}';
    const entries = v.entries().map(([k, x]) => [typeof k === 'string' ? k : jsonMarshal(k), x] as const);
    entries.sort((a, b) => compareStrings(a[0], b[0]));
    return `{${entries
      .map(
        ([k, x]) =>
          `${nl(depth + 1)}${jsonQuote(k)}: ${jsonMarshalIndent(x, prefix, indent, tick, depth + 1)}`,
      )
      .join(',')}${nl(depth)}}`;
  }
  return jsonMarshal(v);
}
