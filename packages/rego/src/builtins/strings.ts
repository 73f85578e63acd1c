// String builtins (OPA `strings.go`). Go strings are UTF-8, so every index and length here
// counts code points, never UTF-16 units.
import { BigNum, isInteger, toBigInt, toDecimal, type RegoNumber } from '../number.js';
import { ObjectValue, SetValue, compareStrings, isNumber, toJSON, typeName, type Value } from '../value.js';
import { renderTemplate, TemplateError } from '../kernels/go-template.js';
import { goSprintf, type GoArg } from '../kernels/go-fmt.js';
import { boundedRegoText, numberText, regoText, type Tick } from '../format.js';
import {
  BuiltinError,
  OperandTypeError,
  expectNumber,
  expectString,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';
import { intOperand } from './operands.js';

// Splitting a string into code points costs ~40 ns and a pointer per character (measured).
const CODE_POINT_NS = 40;

/** Code points of a string; long strings charge the budget first. */
function codePoints(s: string, ctx: BuiltinContext): string[] {
  if (s.length > 65536) {
    ctx.expectWork((s.length * CODE_POINT_NS) / 1e6);
    ctx.allocate(8 * s.length);
  }
  return Array.from(s);
}

/** Code points in `s` between UTF-16 offsets `from` and `to`. */
function countCodePoints(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // a low surrogate continues the previous code point
  }
  return n;
}

/**
 * Code-point offsets of every (possibly overlapping) occurrence of `needle`, up to `limit`;
 * each thousand results are charged to the budget.
 */
function indexesOf(s: string, needle: string, limit: number, ctx: BuiltinContext): number[] {
  const out: number[] = [];
  let unit = 0;
  let cp = 0;
  for (let i = s.indexOf(needle); i >= 0 && out.length < limit;) {
    cp += countCodePoints(s, unit, i);
    unit = i;
    if (out.push(cp) % 1024 === 0) ctx.charge(1024);
    i = s.indexOf(needle, i + (s.codePointAt(i)! > 0xffff ? 2 : 1));
  }
  return out;
}

// Strings from an array or set of strings, or a single string (any_prefix_match & co).
function stringsOperand(args: Value[], i: number): string[] {
  const v = args[i]!;
  if (typeof v === 'string') return [v];
  let items: Value[];
  if (Array.isArray(v)) items = v;
  else if (v instanceof SetValue) items = v.values();
  else throw operandError(i + 1, 'one of {string, set, array}', v);
  for (const x of items) {
    if (typeof x !== 'string') {
      const kind = Array.isArray(v) ? 'array' : 'set';
      throw new OperandTypeError(
        `operand ${i + 1} must be ${kind} of strings but got ${kind} containing ${typeName(x)}`,
      );
    }
  }
  return items as string[];
}

/** Go's strings.TrimLeft/Right with a cutset of code points. */
function trimCutset(s: string, cutset: string, left: boolean, right: boolean, ctx: BuiltinContext): string {
  const set = new Set(codePoints(cutset, ctx));
  const cps = codePoints(s, ctx);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && set.has(cps[a]!)) a++;
  if (right) while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

// Go's unicode.IsSpace.
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** Simple (one-to-one) Unicode case mapping, as Go's strings.ToUpper/ToLower. */
function mapCase(s: string, upper: boolean, ctx: BuiltinContext): string {
  // ASCII maps one to one, and the whole-string conversion is native speed.
  if (!/[^\p{ASCII}]/u.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  // Otherwise per code point, as Go does (no context: Σ is always σ), ~150 ns each (measured).
  ctx.expectWork((s.length * 300) / 1e6);
  const out: string[] = [];
  for (const ch of s) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    // Multi-character expansions (ß → SS) are not simple mappings: keep the original.
    out.push(m.length === 1 || [...m].length === 1 ? m : ch);
  }
  return out.join('');
}

/** Converts a Rego value to the Go operand OPA passes to fmt. */
export function toGoArg(v: Value, tick?: Tick): GoArg {
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (isNumber(v)) {
    // OPA decides on the number's text: integer digits → int64/*big.Int, anything else that
    // parses as a float64 → float64 (so `1.0` is a float), otherwise the text itself.
    const text = v instanceof BigNum ? v.toString() : numberText(v);
    if (/^-?\d+$/.test(text)) return { kind: 'int', value: BigInt(text) };
    const x = Number(text);
    if (Number.isFinite(x)) return { kind: 'float', value: x };
    return { kind: 'string', value: text };
  }
  return { kind: 'string', value: tick ? boundedRegoText(v, tick) : regoText(v) };
}

function formatInt(n: RegoNumber, base: bigint): string {
  let i: bigint;
  if (isInteger(n)) i = toBigInt(n)!;
  else {
    // Truncate toward zero.
    const d = toDecimal(n);
    i = d.m / 10n ** BigInt(-d.e);
  }
  return i.toString(Number(base));
}

/** Go's strings.Replacer semantics: leftmost match, ties to the earliest pattern, no rescans. */
function replaceMany(s: string, pairs: Array<[string, string]>): string {
  let out = '';
  let i = 0;
  const hasEmpty = pairs.some(([k]) => k === '');
  while (i <= s.length) {
    let matched: [string, string] | undefined;
    for (const p of pairs) {
      if (p[0] !== '' && s.startsWith(p[0], i)) {
        matched = p;
        break;
      }
    }
    if (matched) {
      out += matched[1];
      i += matched[0].length;
      continue;
    }
    if (hasEmpty) out += pairs.find(([k]) => k === '')![1];
    if (i === s.length) break;
    const cp = String.fromCodePoint(s.codePointAt(i)!);
    out += cp;
    i += cp.length;
  }
  return out;
}

/** The `strings` builtins. */
export const stringBuiltins: BuiltinDef[] = [
  {
    name: 'concat',
    arity: 2,
    fn: (args, ctx) => {
      const sep = expectString(args, 0);
      const coll = args[1]!;
      let items: Value[];
      if (Array.isArray(coll)) items = coll;
      else if (coll instanceof SetValue) items = coll.values();
      else throw operandError(2, 'one of {set, array}', coll);
      for (const x of items) {
        if (typeof x !== 'string') {
          const kind = Array.isArray(coll) ? 'array' : 'set';
          throw new OperandTypeError(
            `operand 2 must be ${kind} of strings but got ${kind} containing ${typeName(x)}`,
          );
        }
      }
      // Charged before joining: a loop of concats must stop at the budget, not at V8's limit.
      let length = sep.length * Math.max(0, items.length - 1);
      for (const x of items as string[]) length += x.length;
      ctx.allocate(2 * length);
      return items.join(sep);
    },
  },
  { name: 'contains', arity: 2, fn: (args) => expectString(args, 0).includes(expectString(args, 1)) },
  { name: 'startswith', arity: 2, fn: (args) => expectString(args, 0).startsWith(expectString(args, 1)) },
  { name: 'endswith', arity: 2, fn: (args) => expectString(args, 0).endsWith(expectString(args, 1)) },
  {
    name: 'strings.any_prefix_match',
    arity: 2,
    fn: (args) => {
      const ss = stringsOperand(args, 0);
      const ps = stringsOperand(args, 1);
      return ss.some((s) => ps.some((p) => s.startsWith(p)));
    },
  },
  {
    name: 'strings.any_suffix_match',
    arity: 2,
    fn: (args) => {
      const ss = stringsOperand(args, 0);
      const ps = stringsOperand(args, 1);
      return ss.some((s) => ps.some((p) => s.endsWith(p)));
    },
  },
  {
    name: 'format_int',
    arity: 2,
    fn: (args) => {
      const n = expectNumber(args, 0);
      const base = expectNumber(args, 1);
      const b = isInteger(base) ? toBigInt(base)! : -1n;
      if (![2n, 8n, 10n, 16n].includes(b))
        throw new OperandTypeError('operand 2 must be one of {2, 8, 10, 16}');
      return formatInt(n, b);
    },
  },
  {
    name: 'indexof',
    arity: 2,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      const n = expectString(args, 1);
      if (n === '') throw new BuiltinError('empty search character');
      return indexesOf(s, n, 1, ctx)[0] ?? -1;
    },
  },
  {
    name: 'indexof_n',
    arity: 2,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      const n = expectString(args, 1);
      if (n === '') throw new BuiltinError('empty search character');
      return indexesOf(s, n, Infinity, ctx);
    },
  },
  { name: 'lower', arity: 1, fn: (args, ctx) => mapCase(expectString(args, 0), false, ctx) },
  { name: 'upper', arity: 1, fn: (args, ctx) => mapCase(expectString(args, 0), true, ctx) },
  {
    name: 'replace',
    arity: 3,
    fn: (args) => {
      const s = expectString(args, 0);
      const old = expectString(args, 1);
      const nu = expectString(args, 2);
      if (old === '') return replaceMany(s, [['', nu]]);
      return s.split(old).join(nu);
    },
  },
  {
    name: 'strings.replace_n',
    arity: 2,
    fn: (args) => {
      const pat = args[0]!;
      if (!(pat instanceof ObjectValue)) throw operandError(1, 'object', pat);
      const s = expectString(args, 1);
      const pairs: Array<[string, string]> = [];
      for (const [k, v] of pat.entries()) {
        if (typeof k !== 'string')
          throw new OperandTypeError('operand 1 non-string key found in pattern object');
        if (typeof v !== 'string')
          throw new OperandTypeError('operand 1 non-string value found in pattern object');
        pairs.push([k, v]);
      }
      pairs.sort((a, b) => compareStrings(a[0], b[0]));
      return replaceMany(s, pairs);
    },
  },
  {
    name: 'split',
    arity: 2,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      const d = expectString(args, 1);
      if (d === '') return codePoints(s, ctx);
      const parts = s.split(d);
      ctx.allocate(8 * parts.length);
      return parts;
    },
  },
  {
    // First n parts (n > 0) or last |n| parts (n < 0); the remainder is dropped, unlike Go's SplitN.
    name: 'strings.split_n',
    arity: 3,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      const d = expectString(args, 1);
      const n = intOperand(args, 2);
      const parts = d === '' ? codePoints(s, ctx) : s.split(d);
      if (n === 0n) return [];
      const k = n > 0n ? n : -n;
      if (k >= BigInt(parts.length)) return parts;
      return n > 0n ? parts.slice(0, Number(k)) : parts.slice(parts.length - Number(k));
    },
  },
  {
    name: 'sprintf',
    arity: 2,
    fn: (args, ctx) => {
      const f = expectString(args, 0);
      const a = args[1]!;
      if (!Array.isArray(a)) throw operandError(2, 'array', a);
      return goSprintf(
        f,
        a.map((x) => toGoArg(x, () => ctx.charge(1))),
      );
    },
  },
  {
    name: 'strings.count',
    arity: 2,
    fn: (args) => {
      const s = expectString(args, 0);
      const sub = expectString(args, 1);
      if (sub === '') return countCodePoints(s, 0, s.length) + 1;
      return s.split(sub).length - 1;
    },
  },
  {
    name: 'strings.reverse',
    arity: 1,
    fn: (args, ctx) => codePoints(expectString(args, 0), ctx).reverse().join(''),
  },
  {
    name: 'substring',
    arity: 3,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      const start = intOperand(args, 1);
      const len = intOperand(args, 2);
      if (start < 0n) throw new BuiltinError('negative offset');
      const cps = codePoints(s, ctx);
      if (start >= BigInt(cps.length)) return '';
      const st = Number(start);
      if (len < 0n) return cps.slice(st).join('');
      const end = BigInt(st) + len > BigInt(cps.length) ? cps.length : st + Number(len);
      return cps.slice(st, end).join('');
    },
  },
  {
    name: 'trim',
    arity: 2,
    fn: (args, ctx) => trimCutset(expectString(args, 0), expectString(args, 1), true, true, ctx),
  },
  {
    name: 'trim_left',
    arity: 2,
    fn: (args, ctx) => trimCutset(expectString(args, 0), expectString(args, 1), true, false, ctx),
  },
  {
    name: 'trim_right',
    arity: 2,
    fn: (args, ctx) => trimCutset(expectString(args, 0), expectString(args, 1), false, true, ctx),
  },
  {
    name: 'trim_prefix',
    arity: 2,
    fn: (args) => {
      const s = expectString(args, 0);
      const p = expectString(args, 1);
      return s.startsWith(p) ? s.slice(p.length) : s;
    },
  },
  {
    name: 'trim_suffix',
    arity: 2,
    fn: (args) => {
      const s = expectString(args, 0);
      const p = expectString(args, 1);
      return p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
    },
  },
  { name: 'trim_space', arity: 1, fn: (args) => expectString(args, 0).replace(GO_SPACE, '') },
];

stringBuiltins.push({
  name: 'strings.render_template',
  arity: 2,
  fn: (args, ctx) => {
    const tmpl = expectString(args, 0);
    const vars = args[1]!;
    if (!(vars instanceof ObjectValue)) throw operandError(2, 'object', vars);
    try {
      return renderTemplate(tmpl, toJSON(vars), ctx);
    } catch (e) {
      if (e instanceof TemplateError) throw new BuiltinError(e.message);
      throw e;
    }
  },
});
