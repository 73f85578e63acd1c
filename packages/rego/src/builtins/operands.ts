// Operand helpers that word errors exactly like OPA's builtins package where it differs from
// the generic helpers in registry.ts.
import { BigNum, isInteger, toBigInt } from '../number.js';
import type { Value } from '../value.js';
import { OperandTypeError, expectNumber } from './registry.js';

function floatError(i: number): OperandTypeError {
  return new OperandTypeError(`operand ${i + 1} must be integer number but got floating-point number`);
}

/**
 * OPA's IntOperand: the number's text must be an integer literal, so `1.0` is rejected
 * ("must be integer number but got floating-point number").
 */
export function intOperand(args: Value[], i: number): bigint {
  const n = expectNumber(args, i);
  if (!isInteger(n)) throw floatError(i);
  if (n instanceof BigNum && n.text !== undefined && !/^-?\d+$/.test(n.text)) throw floatError(i);
  return toBigInt(n)!;
}

/** OPA's BigIntOperand: any number whose value is integral (`1.0` and `1e3` included). */
export function bigIntOperand(args: Value[], i: number): bigint {
  const n = expectNumber(args, i);
  if (!isInteger(n)) throw floatError(i);
  return toBigInt(n)!;
}
