// Names a rule introduces but never uses. OPA reports `some x` declarations that are never
// used in every mode, and in strict mode (`opa check --strict`) also `:=` assignments and
// function arguments used nowhere else (v1/ast/compile.go checkUnusedDeclaredVars,
// checkUnusedAssignedVars, rewriteLocalVars). Counting works on compiled terms, where every
// variable is a frame slot, so shadowing in nested scopes is already resolved.
import type { CExpr, CTerm, RuleDef } from './ir.js';
import { forEachSubterm } from './ir.js';

/** A variable a rule introduced: by `some`, `:=` or as a function argument. */
export interface Introduced {
  slot: number;
  name: string;
  line: number;
  col: number;
  how: 'declared' | 'assigned' | 'argument';
  /** The compile-time scope that introduced it (opaque here). */
  scope: unknown;
}

/** How often each slot occurs in a rule definition (arguments, body, head and else links). */
export function slotOccurrences(def: RuleDef): Map<number, number> {
  const counts = new Map<number, number>();
  const term = (t: CTerm): void => {
    switch (t.t) {
      case 'local':
        counts.set(t.slot, (counts.get(t.slot) ?? 0) + 1);
        return;
      case 'compr':
        if (t.key) term(t.key);
        term(t.term);
        t.body.forEach(expr);
        return;
      default:
        forEachSubterm(t, term, undefined);
    }
  };
  const expr = (e: CExpr): void => {
    for (const w of e.with ?? []) if (w.value) term(w.value);
    switch (e.e) {
      case 'term':
        term(e.term);
        return;
      case 'unify':
        term(e.a);
        term(e.b);
        return;
      case 'not':
        e.body.forEach(expr);
        return;
      case 'somein':
        if (e.key) term(e.key);
        term(e.value);
        term(e.domain);
        return;
      case 'every':
        if (e.key) term(e.key);
        term(e.value);
        term(e.domain);
        e.body.forEach(expr);
        return;
    }
  };
  def.args?.forEach(term);
  def.refTail?.forEach(term);
  if (def.key) term(def.key);
  term(def.value);
  def.body.forEach(expr);
  for (const el of def.elses) {
    term(el.value);
    el.body.forEach(expr);
  }
  return counts;
}

/**
 * The introduced variables that are unused: a `some` variable that occurs nowhere, or an
 * assigned variable or argument that occurs only where it was introduced. Wildcards and the
 * compiler's own variables (`$…`) never count.
 */
export function unusedNames(introduced: readonly Introduced[], counts: Map<number, number>): Introduced[] {
  return introduced.filter((v) => {
    if (v.name.startsWith('$')) return false;
    const n = counts.get(v.slot) ?? 0;
    return v.how === 'declared' ? n === 0 : n <= 1;
  });
}

/** OPA's message for an unused name. */
export function unusedMessage(v: Introduced): string {
  switch (v.how) {
    case 'declared':
      return `declared var ${v.name} unused`;
    case 'assigned':
      return `assigned var ${v.name} unused`;
    case 'argument':
      return `unused argument ${v.name}. (hint: use _ (wildcard variable) instead)`;
  }
}
