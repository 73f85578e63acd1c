// units.parse / units.parse_bytes (OPA `parse_units.go`, `parse_bytes.go`); exact results.
import { fromBigInt, numberFromText } from '../number.js';
import { parseBytes, parseUnits, UnitsError } from '../kernels/units.js';
import { BuiltinError, expectString, type BuiltinDef } from './registry.js';

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UnitsError) throw new BuiltinError(e.message);
    throw e;
  }
}

/** The `units` builtins. */
export const unitsBuiltins: BuiltinDef[] = [
  {
    name: 'units.parse',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      return numberFromText(wrap(() => parseUnits(s)))!;
    },
  },
  {
    name: 'units.parse_bytes',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      return fromBigInt(wrap(() => parseBytes(s)));
    },
  },
];
