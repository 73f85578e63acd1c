// Compiled form evaluated by the evaluator: names resolved to frame slots, rule sets or
// builtins; constant sub-terms folded; bodies reordered for safety.
import type { Pos } from './ast.js';
import type { BuiltinDef } from './builtins/registry.js';
import type { Value } from './value.js';

/** Where a call goes. */
export type CallTarget =
  | { kind: 'builtin'; def: BuiltinDef }
  | { kind: 'func'; rs: RuleSet }
  | { kind: 'print' }
  | { kind: 'unknown' };

/** A compiled term. */
export type CTerm =
  | { t: 'const'; v: Value }
  | { t: 'local'; slot: number; name: string }
  | { t: 'input'; path: CTerm[] }
  | {
      t: 'data';
      path: CTerm[];
      /** The rule set the leading constant segments reach (`at` segments in), if any: without
       *  `with data…` replacements, evaluation goes to it directly instead of walking the tree. */
      rule: RuleSet | undefined;
      at: number;
    }
  | { t: 'ref'; head: CTerm; path: CTerm[] }
  | { t: 'array'; items: CTerm[] }
  | { t: 'object'; entries: Array<[CTerm, CTerm]> }
  | { t: 'set'; items: CTerm[] }
  | { t: 'call'; name: string; target: CallTarget; args: CTerm[]; pos: Pos; file: string }
  | {
      t: 'compr';
      kind: 'array' | 'set' | 'object';
      key: CTerm | undefined;
      term: CTerm;
      body: CExpr[];
      /** Frame slots owned by the comprehension: [lo, hi). */
      lo: number;
      hi: number;
    }
  | { t: 'template'; parts: Array<string | CTerm> };

/**
 * Calls `f(x, arg)` on each direct sub-term `x` of a structural term (ref heads and keys,
 * items, entries, call arguments, template parts). Constants, locals and comprehensions have
 * none here: walkers treat them specially (a comprehension's own slots are not the outer
 * body's). `arg` is passed through so that walkers need not allocate a closure per term.
 */
export function forEachSubterm<A>(t: CTerm, f: (x: CTerm, arg: A) => void, arg: A): void {
  switch (t.t) {
    case 'input':
    case 'data':
      for (const p of t.path) f(p, arg);
      return;
    case 'ref':
      f(t.head, arg);
      for (const p of t.path) f(p, arg);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) f(x, arg);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        f(k, arg);
        f(v, arg);
      }
      return;
    case 'call':
      for (const a of t.args) f(a, arg);
      return;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') f(p, arg);
      return;
    default:
      return;
  }
}

/** A compiled `with` modifier. */
export type CWith =
  | { kind: 'input'; path: string[]; value: CTerm }
  | { kind: 'data'; path: string[]; value: CTerm }
  | { kind: 'fn'; key: string; value: CTerm | undefined; target: CallTarget | undefined };

interface CExprBase {
  with: CWith[] | undefined;
  pos: Pos;
  file: string;
}

/** A compiled body literal. */
export type CExpr =
  | (CExprBase & { e: 'term'; term: CTerm })
  | (CExprBase & { e: 'unify'; a: CTerm; b: CTerm })
  | (CExprBase & { e: 'not'; body: CExpr[] })
  | (CExprBase & { e: 'somein'; key: CTerm | undefined; value: CTerm; domain: CTerm })
  | (CExprBase & {
      e: 'every';
      key: CTerm | undefined;
      value: CTerm;
      domain: CTerm;
      body: CExpr[];
      lo: number;
      hi: number;
    });

/** One link of an else chain. */
export interface CElse {
  value: CTerm;
  body: CExpr[];
}

/** One rule definition (one body, plus its else chain). */
export interface RuleDef {
  nslots: number;
  /** Function argument patterns. */
  args: CTerm[] | undefined;
  /** Object rules: key path below the rule set's node. */
  refTail: CTerm[] | undefined;
  /** Multi-value rules: the element. */
  key: CTerm | undefined;
  value: CTerm;
  body: CExpr[];
  elses: CElse[];
  file: string;
  pos: Pos;
}

/** Rule kinds that can share a path. */
export type RuleKind = 'complete' | 'set' | 'object' | 'function';

/** Index of definitions by the value of one input ref compared with constants. */
export interface RuleIndex {
  /** The input ref (below `input`) whose value selects the definitions. */
  path: string[];
  /** Definitions to try for a value key: those compared with that value, then `rest`. */
  byKey: Map<string, RuleDef[]>;
  /** Definitions that do not compare the ref with a constant (tried for every value). */
  rest: RuleDef[];
}

/** All definitions of one rule path. */
export interface RuleSet {
  /** Path below `data`. */
  path: string[];
  /** `data.a.b` form, used in messages and as the `with` mock key. */
  name: string;
  kind: RuleKind;
  arity: number;
  defs: RuleDef[];
  defaultDef: RuleDef | undefined;
  index: RuleIndex | undefined;
  /** Every definition yields this constant and has no else: the first success decides. */
  constValue: Value | undefined;
  /** The tree node the rule set lives at (object rules merge its children). */
  node: TreeNode;
}

/**
 * Whether a reference to the rule set (not a call) has a value: every kind except functions
 * with arguments. OPA evaluates a function of no arguments named without `()` like a complete
 * rule, and includes it in its package's extent.
 */
export function hasValue(rs: RuleSet): boolean {
  return rs.kind !== 'function' || rs.arity === 0;
}

/** A node of the rule tree (one path segment below `data`). */
export interface TreeNode {
  path: string[];
  children: Map<string, TreeNode>;
  rs: RuleSet | undefined;
}

/** A compiled query. */
export interface CQuery {
  body: CExpr[];
  nslots: number;
  /** User-visible variables, in first-appearance order. */
  vars: Array<{ name: string; slot: number }>;
}
