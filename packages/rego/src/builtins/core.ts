// Core builtins: operators, rounding, aggregates and type checks.
import { equals } from '../compare.js';
import {
  add,
  BigNum,
  sub,
  mul,
  div,
  rem,
  isZero,
  isInteger,
  neg,
  toDecimal,
  makeNumber,
  compareNumbers,
  canonical,
  type RegoNumber,
} from '../number.js';
import { ObjectValue, SetValue, compare, isNumber, typeName, type Value } from '../value.js';
import {
  BuiltinError,
  OperandTypeError,
  operandError,
  expectNumber,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';

/**
 * Arithmetic on a number with a huge exponent (`1e100000`) builds bigints of that many digits
 * and cannot be interrupted, so it is refused when it would end past the deadline. Measured:
 * about 0.25 ms per thousand digits exactly on integers, 2.5 ms through 64-bit floats.
 */
function expectArithmetic(ctx: BuiltinContext, numbers: readonly Value[], division = false): void {
  let digits = 0;
  let integers = !division; // integer division is exact only when it divides evenly
  for (const n of numbers) {
    if (!(n instanceof BigNum)) continue;
    digits = Math.max(digits, Math.abs(n.e));
    integers &&= isInteger(n);
  }
  if (digits > 1000) ctx.expectWork(digits / (integers ? 4000 : 400));
}

function arith(name: string, op: (a: RegoNumber, b: RegoNumber) => RegoNumber): BuiltinDef {
  return {
    name,
    arity: 2,
    fn: (args, ctx) => {
      const a = expectNumber(args, 0);
      const b = expectNumber(args, 1);
      expectArithmetic(ctx, args);
      return op(a, b);
    },
  };
}

function setOrNumbers(
  a: Value,
  b: Value,
  setOp: (x: SetValue, y: SetValue) => Value,
  numOp?: (x: RegoNumber, y: RegoNumber) => Value,
): Value {
  if (numOp && isNumber(a)) {
    if (!isNumber(b)) throw operandError(2, 'number', b);
    return numOp(a, b);
  }
  if (a instanceof SetValue) {
    if (!(b instanceof SetValue)) throw operandError(2, 'set', b);
    return setOp(a, b);
  }
  throw operandError(1, numOp ? 'one of {number, set}' : 'set', a);
}

function difference(x: SetValue, y: SetValue): SetValue {
  const out = new SetValue();
  for (const v of x.values()) if (!y.has(v)) out.add(v);
  return out;
}

function intersection(x: SetValue, y: SetValue): SetValue {
  const out = new SetValue();
  for (const v of x.values()) if (y.has(v)) out.add(v);
  return out;
}

function union(x: SetValue, y: SetValue): SetValue {
  const out = SetValue.from(x.values());
  for (const v of y.values()) out.add(v);
  return out;
}

/** Elements of an array or set argument (aggregates accept both). */
function collection(v: Value, expected: string): Value[] {
  if (Array.isArray(v)) return v;
  if (v instanceof SetValue) return v.values();
  throw operandError(1, expected, v);
}

function numbersOf(v: Value): RegoNumber[] {
  const items = collection(v, 'one of {set, array}');
  for (const x of items) {
    if (!isNumber(x)) {
      const t = typeName(v);
      throw new OperandTypeError(`operand 1 must be ${t} of number but got ${t} containing ${typeName(x)}`);
    }
  }
  return items as RegoNumber[];
}

/** Rounds half away from zero to an integer. */
function roundNumber(v: RegoNumber, mode: 'round' | 'ceil' | 'floor'): RegoNumber {
  v = canonical(v);
  if (isInteger(v)) return v;
  if (typeof v === 'number') {
    const r =
      mode === 'ceil'
        ? Math.ceil(v)
        : mode === 'floor'
          ? Math.floor(v)
          : Math.sign(v) * Math.round(Math.abs(v));
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  const d = toDecimal(v);
  const p = 10n ** BigInt(-d.e);
  let q = d.m / p; // truncates toward zero
  const r = d.m % p;
  if (mode === 'floor' && r < 0n) q -= 1n;
  else if (mode === 'ceil' && r > 0n) q += 1n;
  else if (mode === 'round') {
    const twice = (r < 0n ? -r : r) * 2n;
    if (twice >= p) q += d.m < 0n ? -1n : 1n;
  }
  return makeNumber(q, 0);
}

function countOf(v: Value): number {
  if (typeof v === 'string') {
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n++;
    }
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (v instanceof ObjectValue || v instanceof SetValue) return v.size;
  throw operandError(1, 'one of {array, object, set, string}', v);
}

const typeCheck = (name: string, t: string): BuiltinDef => ({
  name,
  arity: 1,
  fn: (args) => typeName(args[0]!) === t,
});

/** The `core` builtins. */
export const coreBuiltins: BuiltinDef[] = [
  arith('plus', add),
  arith('mul', mul),
  {
    name: 'minus',
    arity: 2,
    fn: (args, ctx) => {
      expectArithmetic(ctx, args);
      return setOrNumbers(args[0]!, args[1]!, difference, sub);
    },
  },
  {
    name: 'div',
    arity: 2,
    fn: (args, ctx) => {
      const a = expectNumber(args, 0);
      const b = expectNumber(args, 1);
      expectArithmetic(ctx, args, true);
      if (isZero(b)) throw new BuiltinError('divide by zero');
      return div(a, b);
    },
  },
  {
    name: 'rem',
    arity: 2,
    fn: (args, ctx) => {
      const a = expectNumber(args, 0);
      const b = expectNumber(args, 1);
      expectArithmetic(ctx, args);
      if (!isInteger(a) || !isInteger(b)) throw new BuiltinError('modulo on floating-point number');
      if (isZero(b)) throw new BuiltinError('modulo by zero');
      return rem(a, b);
    },
  },
  { name: 'and', arity: 2, fn: (args) => setOrNumbers(args[0]!, args[1]!, intersection) },
  { name: 'or', arity: 2, fn: (args) => setOrNumbers(args[0]!, args[1]!, union) },
  { name: 'lt', arity: 2, fn: (args) => compare(args[0]!, args[1]!) < 0 },
  { name: 'gt', arity: 2, fn: (args) => compare(args[0]!, args[1]!) > 0 },
  { name: 'lte', arity: 2, fn: (args) => compare(args[0]!, args[1]!) <= 0 },
  { name: 'gte', arity: 2, fn: (args) => compare(args[0]!, args[1]!) >= 0 },
  { name: 'equal', arity: 2, fn: (args) => equals(args[0]!, args[1]!) },
  { name: 'neq', arity: 2, fn: (args) => !equals(args[0]!, args[1]!) },
  { name: 'eq', arity: 2, fn: (args) => equals(args[0]!, args[1]!) },
  {
    name: 'abs',
    arity: 1,
    fn: (args) => {
      const v = expectNumber(args, 0);
      return compareNumbers(v, 0) < 0 ? neg(v) : canonical(v);
    },
  },
  { name: 'round', arity: 1, fn: (args) => roundNumber(expectNumber(args, 0), 'round') },
  { name: 'ceil', arity: 1, fn: (args) => roundNumber(expectNumber(args, 0), 'ceil') },
  { name: 'floor', arity: 1, fn: (args) => roundNumber(expectNumber(args, 0), 'floor') },
  { name: 'count', arity: 1, fn: (args) => countOf(args[0]!) },
  {
    name: 'sum',
    arity: 1,
    fn: (args, ctx) => {
      const xs = numbersOf(args[0]!);
      expectArithmetic(ctx, xs);
      return xs.reduce<RegoNumber>((acc, x) => add(acc, x), 0);
    },
  },
  {
    name: 'product',
    arity: 1,
    fn: (args, ctx) => {
      const xs = numbersOf(args[0]!);
      expectArithmetic(ctx, xs);
      return xs.reduce<RegoNumber>((acc, x) => mul(acc, x), 1);
    },
  },
  {
    name: 'max',
    arity: 1,
    fn: (args) => {
      const items = collection(args[0]!, 'one of {set, array}');
      if (items.length === 0) return undefined;
      return items.reduce((m, x) => (compare(x, m) > 0 ? x : m));
    },
  },
  {
    name: 'min',
    arity: 1,
    fn: (args) => {
      const items = collection(args[0]!, 'one of {set, array}');
      if (items.length === 0) return undefined;
      return items.reduce((m, x) => (compare(x, m) < 0 ? x : m));
    },
  },
  {
    name: 'sort',
    arity: 1,
    fn: (args, ctx) => {
      const v = args[0]!;
      if (v instanceof SetValue) return [...v.values()];
      if (Array.isArray(v)) {
        // Comparing documents is costly: a million of them take seconds, so check the clock.
        let comparisons = 0;
        return [...v].sort((a, b) => {
          if (++comparisons % 4096 === 0) ctx.checkTime();
          return compare(a, b);
        });
      }
      throw operandError(1, 'one of {set, array}', v);
    },
  },
  {
    name: 'all',
    arity: 1,
    fn: (args) => collection(args[0]!, 'one of {set, array}').every((x) => x === true),
  },
  {
    name: 'any',
    arity: 1,
    fn: (args) => collection(args[0]!, 'one of {set, array}').some((x) => x === true),
  },
  typeCheck('is_number', 'number'),
  typeCheck('is_string', 'string'),
  typeCheck('is_boolean', 'boolean'),
  typeCheck('is_array', 'array'),
  typeCheck('is_set', 'set'),
  typeCheck('is_object', 'object'),
  typeCheck('is_null', 'null'),
  { name: 'type_name', arity: 1, fn: (args) => typeName(args[0]!) },
  {
    // Template expressions with `with` modifiers: the first value of their comprehension.
    name: 'internal.template_first',
    arity: 1,
    fn: (args) => {
      const a = args[0]!;
      return Array.isArray(a) && a.length > 0 ? a[0] : undefined;
    },
  },
  {
    // `x in xs`: membership in array elements, set elements or object values.
    name: 'internal.member_2',
    arity: 2,
    fn: (args) => {
      const [x, c] = args as [Value, Value];
      if (Array.isArray(c)) return c.some((e) => equals(e, x));
      if (c instanceof SetValue) return c.has(x);
      if (c instanceof ObjectValue) return c.values().some((e) => equals(e, x));
      return false;
    },
  },
  {
    // `k, v in xs`: key/index k holds value v.
    name: 'internal.member_3',
    arity: 3,
    fn: (args) => {
      const [k, v, c] = args as [Value, Value, Value];
      if (Array.isArray(c)) {
        if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= c.length) return false;
        return equals(c[k]!, v);
      }
      if (c instanceof SetValue) return equals(k, v) && c.has(v);
      if (c instanceof ObjectValue) {
        const got = c.get(k);
        return got !== undefined && equals(got, v);
      }
      return false;
    },
  },
];
