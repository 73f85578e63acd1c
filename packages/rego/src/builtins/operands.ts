// Operand helpers that word errors exactly like OPA's builtins package where it differs from
// the generic helpers in registry.ts.
import { isInteger, toBigInt } from '../number.js';
import type { Value } from '../value.js';
import { OperandTypeError, expectNumber } from './registry.js';

/** OPA's IntOperand/BigIntOperand: a number that must be integral ("must be integer number but got floating-point number"). */
export function intOperand(args: Value[], i: number): bigint {
  const n = expectNumber(args, i);
  if (!isInteger(n))
    throw new OperandTypeError(`operand ${i + 1} must be integer number but got floating-point number`);
  return toBigInt(n)!;
}
