// numbers.range*, bits.*, to_number (casts) and rand.intn (OPA `numbers.go`, `bits.go`,
// `casts.go`, `random.go`). Integers are bigints throughout: OPA's are arbitrary precision.
import { randomInt } from 'node:crypto';
import { fromBigInt, isInteger, numberFromText, toBigInt } from '../number.js';
import { isNumber, type Value } from '../value.js';
import {
  BuiltinError,
  OperandTypeError,
  expectNumber,
  expectString,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';
import { bigIntOperand, intOperand } from './operands.js';

// Ranges are charged to the evaluation budget before they are built; this cap is the last
// resort for evaluations without a budget.
const MAX_RANGE = 10_000_000n;

function range(a: bigint, b: bigint, step: bigint, ctx: BuiltinContext): Value[] {
  const count = (a > b ? a - b : b - a) / step;
  ctx.charge(Number(count > MAX_RANGE ? MAX_RANGE : count) + 1);
  if (count > MAX_RANGE) throw new BuiltinError('range too large (more than 10000000 numbers)');
  ctx.allocate(8 * Number(count));
  const out: Value[] = [];
  if (a <= b) for (let x = a; x <= b; x += step) out.push(fromBigInt(x));
  else for (let x = a; x >= b; x -= step) out.push(fromBigInt(x));
  return out;
}

// Go's strconv.ParseFloat syntax (decimal or hex float); inf/nan are rejected by OPA.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(v: Value): Value {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (isNumber(v)) return v;
  if (typeof v !== 'string') throw operandError(1, 'one of {null, boolean, number, string}', v);
  if (DECIMAL.test(v)) {
    const text = v
      .replace(/^\+/, '')
      .replace(/^(-?)\./, '$10.')
      .replace(/\.(?=[eE]|$)/, '');
    const n = numberFromText(text);
    if (n === undefined || !Number.isFinite(Number(text))) {
      throw new BuiltinError(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: value out of range`);
    }
    return n;
  }
  if (/^[+-]*(inf|infinity|nan)$/i.test(v)) {
    // ParseFloat accepts these, but they are not Rego numbers.
    throw operandError(1, 'valid number string', v);
  }
  if (/^[+-]?0[xX]/.test(v)) {
    const x = Number(v.replace(/^([+-]?)0[xX]/, '$10x'));
    if (Number.isFinite(x)) return x;
  }
  throw new BuiltinError(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** The `numbers` builtins. */
export const numberBuiltins: BuiltinDef[] = [
  {
    name: 'numbers.range',
    arity: 2,
    fn: (args, ctx) => range(bigIntOperand(args, 0), bigIntOperand(args, 1), 1n, ctx),
  },
  {
    name: 'numbers.range_step',
    arity: 3,
    fn: (args, ctx) => {
      const a = bigIntOperand(args, 0);
      const b = bigIntOperand(args, 1);
      const s = expectNumber(args, 2);
      if (!isInteger(s) || toBigInt(s)! <= 0n) throw new BuiltinError('step must be a positive integer');
      return range(a, b, toBigInt(s)!, ctx);
    },
  },
  { name: 'bits.and', arity: 2, fn: (args) => fromBigInt(bigIntOperand(args, 0) & bigIntOperand(args, 1)) },
  { name: 'bits.or', arity: 2, fn: (args) => fromBigInt(bigIntOperand(args, 0) | bigIntOperand(args, 1)) },
  { name: 'bits.xor', arity: 2, fn: (args) => fromBigInt(bigIntOperand(args, 0) ^ bigIntOperand(args, 1)) },
  { name: 'bits.negate', arity: 1, fn: (args) => fromBigInt(~bigIntOperand(args, 0)) },
  {
    name: 'bits.lsh',
    arity: 2,
    fn: (args) => {
      const x = bigIntOperand(args, 0);
      const n = bigIntOperand(args, 1);
      if (n < 0n)
        throw new OperandTypeError('operand 2 must be an unsigned integer number but got a negative integer');
      if (n > 1_000_000n) throw new BuiltinError('shift too large');
      return fromBigInt(x << n);
    },
  },
  {
    name: 'bits.rsh',
    arity: 2,
    fn: (args) => {
      const x = bigIntOperand(args, 0);
      const n = bigIntOperand(args, 1);
      if (n < 0n)
        throw new OperandTypeError('operand 2 must be an unsigned integer number but got a negative integer');
      return fromBigInt(n > 100_000n ? (x < 0n ? -1n : 0n) : x >> n);
    },
  },
  { name: 'to_number', arity: 1, fn: (args) => toNumber(args[0]!) },
  {
    name: 'rand.intn',
    arity: 2,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      let n = intOperand(args, 1);
      if (n === 0n) return 0;
      if (n < 0n) n = -n;
      // Stable within one evaluation for the same (seed string, n).
      const key = `rand.intn\u0000${s}\u0000${n}`;
      const cached = ctx.cache.get(key);
      if (cached !== undefined) return cached as Value;
      const limit = n > 281474976710655n ? 281474976710655 : Number(n);
      const r = randomInt(limit);
      ctx.cache.set(key, r);
      return r;
    },
  },
];
