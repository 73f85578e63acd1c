// opa.runtime and trace. An embedded engine has no OPA runtime: OPA itself returns an empty
// object from opa.runtime when it runs without one. trace notes have no tracer to go to here,
// so the call only succeeds, as it does in OPA.
import { ObjectValue } from '../value.js';
import { expectString, type BuiltinDef } from './registry.js';

/** The `runtime` builtins. */
export const runtimeBuiltins: BuiltinDef[] = [
  { name: 'opa.runtime', arity: 0, fn: () => new ObjectValue() },
  {
    name: 'trace',
    arity: 1,
    fn: (args) => {
      expectString(args, 0);
      return true;
    },
  },
];
