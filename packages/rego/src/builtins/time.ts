// time.* builtins (OPA `time.go`) on Go time semantics from ../kernels/go-time.ts. Timestamps are
// int64 nanoseconds, handled as bigints.
import { fromBigInt, isInteger, toBigInt } from '../number.js';
import { isNumber, typeName, type Value } from '../value.js';
import {
  addDate,
  diff,
  fields,
  formatTime,
  fromUnixNano,
  loadZone,
  NAMED_LAYOUTS,
  parseDuration,
  parseTime,
  TimeError,
  toUnixNano,
  WEEKDAYS,
  type GoTime,
} from '../kernels/go-time.js';
import { BuiltinError, expectString, operandError, OperandTypeError, type BuiltinDef } from './registry.js';
import { intOperand } from './operands.js';

// The layout names OPA accepts in place of a layout string.
const ACCEPTED = [
  'ANSIC',
  'UnixDate',
  'RubyDate',
  'RFC822',
  'RFC822Z',
  'RFC850',
  'RFC1123',
  'RFC1123Z',
  'RFC3339',
  'RFC3339Nano',
];

function layoutOf(name: string): string {
  return ACCEPTED.includes(name) ? NAMED_LAYOUTS[name]! : name;
}

const MIN_I64 = -(1n << 63n);
const MAX_I64 = (1n << 63n) - 1n;

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TimeError) throw new BuiltinError(e.message);
    throw e;
  }
}

/** OPA's tzTime: `ns`, `[ns]`, `[ns, tz]` or `[ns, tz, layout]`. */
function tzTime(v: Value): { t: GoTime; layout: string } {
  const expected = 'either number (ns) or [number (ns), string (tz)]';
  let n: Value;
  let zone = '';
  let layout = '';
  if (Array.isArray(v)) {
    if (v.length === 0) throw operandError(1, expected, v);
    n = v[0]!;
    if (!isNumber(n)) throw operandError(1, 'number', n);
    if (v.length > 1) {
      const z = v[1]!;
      if (typeof z !== 'string') throw operandError(1, 'string', z);
      zone = z;
    }
    if (v.length > 2) {
      const l = v[2]!;
      if (typeof l !== 'string') throw operandError(1, 'string', l);
      layout = l;
    }
  } else if (isNumber(v)) n = v;
  else throw new OperandTypeError(`operand 1 must be ${expected} but got ${typeName(v)}`);
  const ns = isInteger(n) ? toBigInt(n)! : undefined;
  if (ns === undefined || ns < MIN_I64 || ns > MAX_I64) throw new BuiltinError('timestamp too big');
  const z = wrap(() => loadZone(zone));
  return { t: fromUnixNano(ns, z), layout };
}

function nsValue(t: GoTime): Value {
  return fromBigInt(wrap(() => toUnixNano(t)));
}

// Layouts are interpreted chunk by chunk without interruption: ~1 µs per character (measured).
const LAYOUT_NS_PER_CHAR = 2000;

/** The `time` builtins. */
export const timeBuiltins: BuiltinDef[] = [
  { name: 'time.now_ns', arity: 0, fn: (_args, ctx) => fromBigInt(ctx.nowNs()) },
  {
    name: 'time.parse_ns',
    arity: 2,
    fn: (args, ctx) => {
      const layout = layoutOf(expectString(args, 0));
      const value = expectString(args, 1);
      ctx.expectWork(((layout.length + value.length) * LAYOUT_NS_PER_CHAR) / 1e6);
      return nsValue(wrap(() => parseTime(layout, value)));
    },
  },
  {
    name: 'time.parse_rfc3339_ns',
    arity: 1,
    fn: (args) => {
      const value = expectString(args, 0);
      return nsValue(wrap(() => parseTime(NAMED_LAYOUTS.RFC3339!, value)));
    },
  },
  {
    name: 'time.parse_duration_ns',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      return fromBigInt(wrap(() => parseDuration(s)));
    },
  },
  {
    name: 'time.format',
    arity: 1,
    fn: (args, ctx) => {
      const { t, layout } = tzTime(args[0]!);
      ctx.expectWork((layout.length * LAYOUT_NS_PER_CHAR) / 1e6);
      return formatTime(t, layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : layoutOf(layout));
    },
  },
  {
    name: 'time.date',
    arity: 1,
    fn: (args) => {
      const f = fields(tzTime(args[0]!).t);
      return [f.year, f.month, f.day];
    },
  },
  {
    name: 'time.clock',
    arity: 1,
    fn: (args) => {
      const f = fields(tzTime(args[0]!).t);
      return [f.hour, f.minute, f.second];
    },
  },
  {
    name: 'time.weekday',
    arity: 1,
    fn: (args) => WEEKDAYS[fields(tzTime(args[0]!).t).weekday]!,
  },
  {
    name: 'time.add_date',
    arity: 4,
    fn: (args) => {
      const { t } = tzTime(args[0]!);
      const y = Number(intOperand(args, 1));
      const m = Number(intOperand(args, 2));
      const d = Number(intOperand(args, 3));
      return nsValue(addDate(t, y, m, d));
    },
  },
  {
    name: 'time.diff',
    arity: 2,
    fn: (args) => diff(tzTime(args[0]!).t, tzTime(args[1]!).t),
  },
  {
    // OPA's test-only builtin; evaluation is synchronous here, so it only validates its operand.
    name: 'test.sleep',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      wrap(() => parseDuration(s));
      return null;
    },
  },
];
