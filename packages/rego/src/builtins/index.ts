// The one registration list of builtins: every namespace file exports its definitions and
// they are registered here, explicitly, in one map (no import side effects).
import { collectionBuiltins } from './collections.js';
import { coreBuiltins } from './core.js';
import { cryptoBuiltins } from './crypto.js';
import { encodingBuiltins } from './encoding.js';
import { graphqlBuiltins } from './graphql.js';
import { jwtBuiltins } from './jwt.js';
import { netBuiltins } from './net.js';
import { numberBuiltins } from './numbers.js';
import { providerBuiltins } from './providers.js';
import { regexBuiltins } from './regex.js';
import { regoBuiltins } from './rego.js';
import type { BuiltinDef } from './registry.js';
import { runtimeBuiltins } from './runtime.js';
import { semverBuiltins } from './semver.js';
import { stringBuiltins } from './strings.js';
import { timeBuiltins } from './time.js';
import { unitsBuiltins } from './units.js';
import { x509Builtins } from './x509.js';
import { yamlBuiltins } from './yaml.js';

const NAMESPACES: ReadonlyArray<readonly BuiltinDef[]> = [
  coreBuiltins,
  stringBuiltins,
  regexBuiltins,
  netBuiltins,
  timeBuiltins,
  unitsBuiltins,
  semverBuiltins,
  encodingBuiltins,
  yamlBuiltins,
  collectionBuiltins,
  numberBuiltins,
  cryptoBuiltins,
  jwtBuiltins,
  x509Builtins,
  graphqlBuiltins,
  providerBuiltins,
  runtimeBuiltins,
  regoBuiltins,
];

const BUILTINS = new Map<string, BuiltinDef>();
for (const defs of NAMESPACES) {
  for (const d of defs) {
    if (BUILTINS.has(d.name)) throw new Error(`builtin ${d.name} registered twice`);
    BUILTINS.set(d.name, d);
  }
}

/** Looks up a builtin by its dotted name. */
export function getBuiltin(name: string): BuiltinDef | undefined {
  return BUILTINS.get(name);
}
