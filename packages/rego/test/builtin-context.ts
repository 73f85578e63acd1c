// A builtin context without limits, for tests that call builtins directly.
import type { BuiltinContext } from '../src/builtins/registry.js';

/** Unbounded context: fixed clock at the epoch, no step, time or size limits. */
export const ctx: BuiltinContext = {
  strict: true,
  nowNs: () => 0n,
  cache: new Map(),
  charge: () => {},
  allocate: () => {},
  checkTime: () => {},
  expectWork: () => {},
};
