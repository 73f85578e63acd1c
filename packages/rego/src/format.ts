// Rego text form of values (OPA `term.String()`), used by string interpolation, `print`
// and `sprintf` for non-scalar arguments.
import { BigNum } from './number.js';
import { ObjectValue, SetValue, type Value } from './value.js';

/** Text of a number as Rego prints it. */
export function numberText(v: number | BigNum): string {
  return typeof v === 'number' ? String(v) : v.toString();
}

/** Renders a value as Rego source text: `"a"`, `[1, "x"]`, `{"k": 1}`, `{1, 2}`, `set()`. */
export function regoString(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number' || v instanceof BigNum) return numberText(v);
  if (Array.isArray(v)) return '[' + v.map(regoString).join(', ') + ']';
  if (v instanceof ObjectValue) {
    return (
      '{' +
      v
        .entries()
        .map(([k, x]) => `${regoString(k)}: ${regoString(x)}`)
        .join(', ') +
      '}'
    );
  }
  if (v instanceof SetValue) {
    return v.size === 0 ? 'set()' : '{' + v.values().map(regoString).join(', ') + '}';
  }
  return String(v);
}
