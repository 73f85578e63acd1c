// Abstract syntax tree produced by the parser and annotated by the compiler.
import type { Annotations } from './annotations.js';
import type { Value } from './value.js';

/** Source position (1-based). */
export interface Pos {
  line: number;
  col: number;
}

/** A constant: null, boolean, number or string. */
export interface ScalarTerm {
  type: 'scalar';
  value: Value;
  pos: Pos;
}

/** A variable. `_` wildcards are renamed to unique `$_N` names by the parser. */
export interface VarTerm {
  type: 'var';
  name: string;
  pos: Pos;
  /** Compiler: frame slot of a local variable, or -1 when the var names a global. */
  slot?: number;
}

/** A reference `head.a[b]...`; `.a` segments are string scalars. */
export interface RefTerm {
  type: 'ref';
  head: Term;
  path: Term[];
  pos: Pos;
}

/** Array literal. */
export interface ArrayTerm {
  type: 'array';
  items: Term[];
  pos: Pos;
}

/** Object literal. */
export interface ObjectTerm {
  type: 'object';
  entries: Array<[Term, Term]>;
  pos: Pos;
}

/** Set literal (`set()` is an empty one). */
export interface SetTerm {
  type: 'set';
  items: Term[];
  pos: Pos;
}

/** Function or operator call; `fn` is the dotted name as written (`plus`, `time.clock`, `data.x.f`). */
export interface CallTerm {
  type: 'call';
  fn: string[];
  args: Term[];
  pos: Pos;
}

/** `[t | body]`, `{t | body}`, `{k: v | body}`. */
export interface ComprehensionTerm {
  type: 'arraycompr' | 'setcompr' | 'objectcompr';
  key?: Term; // object comprehensions
  term: Term;
  body: Expr[];
  pos: Pos;
}

/** String interpolation `$"a {x} b"`: literal parts and expressions, alternating. */
export interface TemplateTerm {
  type: 'template';
  parts: Array<string | Term>;
  pos: Pos;
}

/** Any term. */
export type Term =
  | ScalarTerm
  | VarTerm
  | RefTerm
  | ArrayTerm
  | ObjectTerm
  | SetTerm
  | CallTerm
  | ComprehensionTerm
  | TemplateTerm;

/** `with target as value`. */
export interface WithModifier {
  target: Term;
  value: Term;
  pos: Pos;
}

interface ExprBase {
  pos: Pos;
  with: WithModifier[];
}

/** A term (or call) used as a condition. */
export interface TermExpr extends ExprBase {
  kind: 'term';
  term: Term;
}

/** `a = b` (unify) or `a := b` (declare and unify). */
export interface UnifyExpr extends ExprBase {
  kind: 'unify' | 'assign';
  left: Term;
  right: Term;
}

/** `not expr`. */
export interface NotExpr extends ExprBase {
  kind: 'not';
  expr: Expr;
}

/** `some x, y` declaration. */
export interface SomeExpr extends ExprBase {
  kind: 'some';
  vars: VarTerm[];
}

/** `some [k,] v in domain`. */
export interface SomeInExpr extends ExprBase {
  kind: 'somein';
  key: Term | undefined;
  value: Term;
  domain: Term;
}

/** `every [k,] v in domain { body }`. */
export interface EveryExpr extends ExprBase {
  kind: 'every';
  key: Term | undefined;
  value: Term;
  domain: Term;
  body: Expr[];
}

/** A body literal. */
export type Expr = TermExpr | UnifyExpr | NotExpr | SomeExpr | SomeInExpr | EveryExpr;

/** One `else` link of a rule. */
export interface ElseClause {
  value: Term | undefined;
  body: Expr[];
  pos: Pos;
}

/** A rule or function definition as written. */
export interface Rule {
  /** Head reference relative to the package: first element is the name (string scalar). */
  ref: Term[];
  args: Term[] | undefined;
  /** Multi-value (`contains` / v0 `p[x] {}`) element. */
  key: Term | undefined;
  /** Value; undefined means `true`. */
  value: Term | undefined;
  isDefault: boolean;
  /** Declared with `:=`. */
  assign: boolean;
  body: Expr[];
  elses: ElseClause[];
  pos: Pos;
  file: string;
  /** `# METADATA` block above the rule. */
  annotations?: Annotations;
}

/** An import. */
export interface Import {
  path: string[];
  alias: string | undefined;
  pos: Pos;
}

/** A parsed module. */
export interface Module {
  file: string;
  pkg: string[];
  imports: Import[];
  rules: Rule[];
  version: 'v0' | 'v1';
  /** `# METADATA` block above the package clause. */
  annotations?: Annotations;
}

/**
 * The dotted name a var or a ref of plain string segments spells (`time.clock`, `data.x.f`),
 * else undefined. Call targets and `with` targets are named this way.
 */
export function dottedName(t: Term): string[] | undefined {
  if (t.type === 'var') return [t.name];
  if (t.type !== 'ref' || t.head.type !== 'var') return undefined;
  const out = [t.head.name];
  for (const p of t.path) {
    if (p.type !== 'scalar' || typeof p.value !== 'string') return undefined;
    out.push(p.value);
  }
  return out;
}
