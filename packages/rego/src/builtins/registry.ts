// The builtin contract: what a builtin receives, returns and throws, and operand helpers.
//
// HOW TO ADD A BUILTIN
//   1. In the file of its namespace (e.g. src/builtins/strings.ts) add a `BuiltinDef` to the
//      list that file exports:
//
//        export const stringBuiltins: BuiltinDef[] = [
//          { name: 'upper', arity: 1, fn: (args) => expectString(args, 0).toUpperCase() },
//        ];
//
//   2. A new namespace file's list goes into the one registration list, src/builtins/index.ts.
//   3. If a builtin is deliberately not implemented, list it with its reason in
//      src/builtins/unsupported.ts (the conformance runner skips cases that use it).
//
// CONTRACT
//   - `fn(args, ctx)` receives runtime `Value`s (see ../value.ts: strings/booleans/null are JS
//     primitives, numbers are `RegoNumber` — use the helpers in ../number.ts, arrays are
//     `Value[]`, objects `ObjectValue`, sets `SetValue`). Never mutate arguments.
//   - Return the result Value, or `undefined` for "undefined" (no result).
//   - Relations (`walk`): set `relation: true` and return an array Value whose elements are
//     the alternative results; the evaluator iterates them.
//   - Errors: throw `operandError(pos, expected, got)` (→ eval_type_error, OPA message
//     "<name>: operand <pos> must be <expected> but got <type>"; pos is 1-based) or
//     `new BuiltinError(msg)` (→ eval_builtin_error, message "<name>: <msg>"). The evaluator
//     adds the "<name>: " prefix, so do not include it. Without strict mode these errors make
//     the call undefined; with `strictBuiltinErrors` they abort the query.
//   - Budget: a builtin must not outrun the evaluation's budget. Before building a result
//     proportional to an argument call `ctx.charge(elements)` and/or `ctx.allocate(bytes)`;
//     in a loop over a large input call `ctx.checkTime()` every few thousand iterations;
//     before an uninterruptible library call on a large input call `ctx.expectWork(ms)` with
//     an estimate of its duration. The evaluator charges the size of every large string a
//     builtin returns; arrays and objects are charged by the builtin that builds them.
//     These throw `eval_cancel_error` (a RegoError: let it propagate). Regular expressions
//     run on RE2 (linear time), never on JS RegExp with a pattern from policy or input.
//   - Nondeterministic builtins (`time.now_ns`, `rand.*`) read `ctx.nowNs()` / use `ctx.cache`
//     so that results are stable within one evaluation.
//   - Names must be unique: the registration list throws at import time on a duplicate.
//   - core.ts owns: operators (plus minus mul div rem lt gt lte gte equal neq eq and or),
//     abs round ceil floor, aggregates (count sum product max min sort all any), is_*,
//     type_name and internal.member_2/3 (`in`); rego.ts owns rego.parse_module. `print` and
//     rego.metadata.rule/chain are handled by the evaluator and compiler.
import type { Value } from '../value.js';
import { typeName, ObjectValue, SetValue, isNumber } from '../value.js';
import type { RegoNumber } from '../number.js';

/** What a builtin may use from the running evaluation. */
export interface BuiltinContext {
  /** True when builtin errors abort the query. */
  readonly strict: boolean;
  /** Current time in ns since the epoch, constant within one evaluation. */
  nowNs(): bigint;
  /** Per-evaluation scratch space for results that must be stable within a query. */
  readonly cache: Map<string, unknown>;
  /**
   * Charges `n` evaluation steps before building a large result (e.g. `numbers.range`
   * of a million elements) and checks the clock. Throws `eval_cancel_error`.
   */
  charge(n: number): void;
  /** Charges `bytes` to the size budget before building values that large. */
  allocate(bytes: number): void;
  /** Throws `eval_cancel_error` once the time budget is exhausted (for long loops). */
  checkTime(): void;
  /** Refuses uninterruptible work estimated at `ms` that would end past the deadline. */
  expectWork(ms: number): void;
}

/** A builtin implementation. */
export type BuiltinFn = (args: Value[], ctx: BuiltinContext) => Value | undefined;

/** A builtin's declaration. */
export interface BuiltinDef {
  /** Full dotted name, e.g. `time.clock`. */
  name: string;
  /** Number of arguments (not counting the optional output argument); -1 for variadic. */
  arity: number;
  fn: BuiltinFn;
  /** When true, `fn` returns an array of alternative results (e.g. `walk`). */
  relation?: boolean;
}

/** A builtin failure other than an operand type error → `eval_builtin_error`. */
export class BuiltinError extends Error {}

/** An operand of the wrong type → `eval_type_error`. */
export class OperandTypeError extends BuiltinError {}

/** Creates OPA's operand error: `operand <pos> must be <expected> but got <type of got>`. */
export function operandError(pos: number, expected: string, got: Value): OperandTypeError {
  return new OperandTypeError(`operand ${pos} must be ${expected} but got ${typeName(got)}`);
}

/** `args[i]` as a string, or an operand error (i is 0-based). */
export function expectString(args: Value[], i: number): string {
  const v = args[i]!;
  if (typeof v !== 'string') throw operandError(i + 1, 'string', v);
  return v;
}

/** `args[i]` as a number, or an operand error. */
export function expectNumber(args: Value[], i: number): RegoNumber {
  const v = args[i]!;
  if (!isNumber(v)) throw operandError(i + 1, 'number', v);
  return v;
}

/** `args[i]` as an array, or an operand error. */
export function expectArray(args: Value[], i: number): Value[] {
  const v = args[i]!;
  if (!Array.isArray(v)) throw operandError(i + 1, 'array', v);
  return v;
}

/** `args[i]` as an object, or an operand error. */
export function expectObject(args: Value[], i: number): ObjectValue {
  const v = args[i]!;
  if (!(v instanceof ObjectValue)) throw operandError(i + 1, 'object', v);
  return v;
}

/** `args[i]` as a set, or an operand error. */
export function expectSet(args: Value[], i: number): SetValue {
  const v = args[i]!;
  if (!(v instanceof SetValue)) throw operandError(i + 1, 'set', v);
  return v;
}
