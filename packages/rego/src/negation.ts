// What OPA evaluates before a negation. Its compiler binds parts of every expression to fresh
// variables in earlier expressions (compile stages RewriteExprTerms and RewriteDynamicTerms):
// nested calls, ref and composite arguments of calls, and refs used as ref keys. For a negated
// expression those parts therefore run outside the `not`: `not f(input.missing)` and
// `not count(input.missing) > 0` are undefined, not true (OPA issue #1877), while
// `not input.missing == 1` stays true because `==` is rewritten to unification first and refs
// that are whole operands of a unification stay in place. This module performs the same
// hoisting on the AST of one `not` literal (README.md, "Negation").
import type { Expr, NotExpr, Term, VarTerm } from './ast.js';

/** How hoisting may name and judge variables. */
export interface HoistContext {
  /** A fresh variable (never shadowing a user's name). */
  fresh(pos: Term['pos']): VarTerm;
  /** Whether a var names a document (`input`, `data`, an import or rule): OPA treats it as a ref. */
  isGlobal(name: string): boolean;
  /** Whether a var is visible outside the negation; terms with other vars stay inside it. */
  isShared(name: string): boolean;
}

/** The expressions to run before `e`, and `e` rewritten to use their results. */
export function hoistFromNegation(e: NotExpr, ctx: HoistContext): { before: Expr[]; not: NotExpr } {
  const before: Expr[] = [];
  const inner = e.expr;
  const movable = (t: Term): boolean => {
    const names = new Set<string>();
    termVarNames(t, names);
    for (const n of names) if (!ctx.isGlobal(n) && !ctx.isShared(n)) return false;
    return true;
  };
  const bind = (t: Term): Term => {
    if (!movable(t)) return t;
    const v = ctx.fresh(t.pos);
    before.push({ kind: 'unify', left: v, right: t, with: e.with, pos: t.pos });
    return v;
  };
  // RewriteExprTerms: calls nested in the expression's terms, and composite ref heads.
  const expandCalls = (t: Term): Term => {
    switch (t.type) {
      case 'call':
        return bind({ ...t, args: t.args.map(expandCalls) });
      case 'ref': {
        let head = t.head.type === 'var' ? t.head : expandCalls(t.head);
        if (head.type !== 'var' && head.type !== 'scalar' && head.type !== 'template') head = bind(head);
        return { ...t, head, path: t.path.map(expandCalls) };
      }
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(expandCalls) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [expandCalls(k), expandCalls(v)]) };
      default:
        return t;
    }
  };
  // RewriteDynamicTerms: a ref (after its keys) or composite holding refs becomes a variable.
  const dynamicsOne = (t: Term): Term => {
    switch (t.type) {
      case 'var':
        return ctx.isGlobal(t.name) ? bind(t) : t;
      case 'ref':
        return bind({ ...t, path: t.path.map(dynamicsOne) });
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(dynamicsOne) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [dynamicsOne(k), dynamicsOne(v)]) };
      default:
        return t;
    }
  };
  // A whole operand of a unification (or a bare term) keeps its ref; only its keys move.
  const dynamicsInTerm = (t: Term): Term => {
    if (t.type === 'ref') return { ...t, path: t.path.map(dynamicsOne) };
    if (t.type === 'var') return t;
    return dynamicsOne(t);
  };
  let rewritten: Expr = inner;
  if (inner.kind === 'term' && inner.term.type === 'call') {
    const call = inner.term;
    const args = call.args.map(expandCalls);
    // `==` is rewritten to unification before the dynamic terms are bound.
    const equality = call.fn.length === 1 && call.fn[0] === 'equal';
    rewritten = {
      ...inner,
      term: { ...call, args: args.map(equality ? dynamicsInTerm : dynamicsOne) },
    };
  } else if (inner.kind === 'term') {
    rewritten = { ...inner, term: dynamicsInTerm(expandCalls(inner.term)) };
  } else if (inner.kind === 'unify' || inner.kind === 'assign') {
    rewritten = {
      ...inner,
      left: dynamicsInTerm(expandCalls(inner.left)),
      right: dynamicsInTerm(expandCalls(inner.right)),
    };
  }
  return { before, not: before.length === 0 ? e : { ...e, expr: rewritten } };
}

/** Adds the names of the variables in a term (comprehensions included). */
export function termVarNames(t: Term, out: Set<string>): void {
  switch (t.type) {
    case 'var':
      out.add(t.name);
      return;
    case 'ref':
      termVarNames(t.head, out);
      for (const p of t.path) termVarNames(p, out);
      return;
    case 'array':
    case 'set':
      for (const x of t.items) termVarNames(x, out);
      return;
    case 'object':
      for (const [k, v] of t.entries) {
        termVarNames(k, out);
        termVarNames(v, out);
      }
      return;
    case 'call':
      for (const a of t.args) termVarNames(a, out);
      return;
    case 'arraycompr':
    case 'setcompr':
    case 'objectcompr':
      if (t.key) termVarNames(t.key, out);
      termVarNames(t.term, out);
      for (const e of t.body) exprVarNames(e, out);
      return;
    case 'template':
      for (const p of t.parts) if (typeof p !== 'string') termVarNames(p, out);
      return;
    default:
      return;
  }
}

/** Adds the names of the variables in an expression, its modifiers and nested bodies. */
export function exprVarNames(e: Expr, out: Set<string>): void {
  for (const w of e.with) termVarNames(w.value, out);
  switch (e.kind) {
    case 'term':
      termVarNames(e.term, out);
      return;
    case 'unify':
    case 'assign':
      termVarNames(e.left, out);
      termVarNames(e.right, out);
      return;
    case 'not':
      exprVarNames(e.expr, out);
      return;
    case 'some':
      for (const v of e.vars) out.add(v.name);
      return;
    case 'somein':
      if (e.key) termVarNames(e.key, out);
      termVarNames(e.value, out);
      termVarNames(e.domain, out);
      return;
    case 'every':
      if (e.key) termVarNames(e.key, out);
      termVarNames(e.value, out);
      termVarNames(e.domain, out);
      for (const b of e.body) exprVarNames(b, out);
      return;
  }
}
