// semver.compare / semver.is_valid (OPA `semver.go`).
import { compareSemver, parseSemver, type SemVer } from '../kernels/semver.js';
import { BuiltinError, expectString, type BuiltinDef } from './registry.js';

function version(s: string, pos: number): SemVer {
  const v = parseSemver(s);
  if (!v) throw new BuiltinError(`operand ${pos}: string ${JSON.stringify(s)} is not a valid SemVer`);
  return v;
}

/** The `semver` builtins. */
export const semverBuiltins: BuiltinDef[] = [
  {
    name: 'semver.compare',
    arity: 2,
    fn: (args) => compareSemver(version(expectString(args, 0), 1), version(expectString(args, 1), 2)),
  },
  {
    name: 'semver.is_valid',
    arity: 1,
    fn: (args) => typeof args[0] === 'string' && parseSemver(args[0]) !== undefined,
  },
];
