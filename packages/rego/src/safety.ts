// Variable-safety analysis over compiled terms: which frame slots an expression reads, which
// it can bind, and whether it can run given the slots bound so far. The compiler's reorder
// step uses these to schedule body expressions (OPA's reorderBodyForSafety).
import { equals } from './compare.js';
import { forEachSubterm, type CExpr, type CTerm } from './ir.js';

/** Adds every slot a term reads or binds (closures: only their free outer slots). */
export function usedTermSlots(t: CTerm, out: Set<number>): void {
  switch (t.t) {
    case 'local':
      out.add(t.slot);
      return;
    case 'compr': {
      const inner = new Set<number>();
      if (t.key) usedTermSlots(t.key, inner);
      usedTermSlots(t.term, inner);
      for (const e of t.body) usedSlots(e, inner);
      for (const s of inner) if (s < t.lo || s >= t.hi) out.add(s);
      return;
    }
    default:
      forEachSubterm(t, usedTermSlots, out);
  }
}

/** Adds every slot an expression reads or binds. */
export function usedSlots(e: CExpr, out: Set<number>): void {
  if (e.with) for (const w of e.with) if (w.value) usedTermSlots(w.value, out);
  switch (e.e) {
    case 'term':
      usedTermSlots(e.term, out);
      return;
    case 'unify':
      usedTermSlots(e.a, out);
      usedTermSlots(e.b, out);
      return;
    case 'not':
      for (const b of e.body) usedSlots(b, out);
      return;
    case 'somein':
      if (e.key) usedTermSlots(e.key, out);
      usedTermSlots(e.value, out);
      usedTermSlots(e.domain, out);
      return;
    case 'every': {
      usedTermSlots(e.domain, out);
      const inner = new Set<number>();
      for (const b of e.body) usedSlots(b, inner);
      for (const s of inner) if (s < e.lo || s >= e.hi) out.add(s);
      return;
    }
  }
}

/** Slots that must be bound to evaluate `t` as a value (ref keys may be unbound: they iterate). */
export function evaluable(t: CTerm, isBound: (s: number) => boolean): boolean {
  switch (t.t) {
    case 'const':
      return true;
    case 'local':
      return isBound(t.slot);
    case 'input':
    case 'data':
      return t.path.every((p) => keyEvaluable(p, isBound));
    case 'ref':
      return evaluable(t.head, isBound) && t.path.every((p) => keyEvaluable(p, isBound));
    case 'array':
    case 'set':
      return t.items.every((x) => evaluable(x, isBound));
    case 'object':
      return t.entries.every(([k, v]) => evaluable(k, isBound) && evaluable(v, isBound));
    case 'call':
      return t.args.every((a) => evaluable(a, isBound));
    case 'compr': {
      const s = new Set<number>();
      usedTermSlots(t, s);
      for (const x of s) if (!isBound(x)) return false;
      return true;
    }
    case 'template':
      return t.parts.every((p) => typeof p === 'string' || evaluable(p, isBound));
  }
}

/** Like `evaluable`, for a ref key: unbound vars (and patterns of them) iterate. */
function keyEvaluable(t: CTerm, isBound: (s: number) => boolean): boolean {
  if (t.t === 'local') return true;
  if (t.t === 'array') return t.items.every((x) => keyEvaluable(x, isBound));
  if (t.t === 'object') return t.entries.every(([k, v]) => evaluable(k, isBound) && keyEvaluable(v, isBound));
  return evaluable(t, isBound);
}

/** True when `t` can be unified against a known value (vars bind, the rest must be evaluable). */
function patternOK(t: CTerm, isBound: (s: number) => boolean): boolean {
  if (t.t === 'local') return true;
  if (t.t === 'array') return t.items.every((x) => patternOK(x, isBound));
  if (t.t === 'object') return t.entries.every(([k, v]) => evaluable(k, isBound) && patternOK(v, isBound));
  return evaluable(t, isBound);
}

/** True when `a = b` can run: one side is computable and the other a pattern, or pairwise. */
export function unifiable(a: CTerm, b: CTerm, isBound: (s: number) => boolean): boolean {
  if (evaluable(a, isBound) && patternOK(b, isBound)) return true;
  if (evaluable(b, isBound) && patternOK(a, isBound)) return true;
  if (a.t === 'array' && b.t === 'array' && a.items.length === b.items.length) {
    const extra = new Set<number>();
    const bnd = (s: number): boolean => isBound(s) || extra.has(s);
    for (let i = 0; i < a.items.length; i++) {
      if (!unifiable(a.items[i]!, b.items[i]!, bnd)) return false;
      usedTermSlots(a.items[i]!, extra);
      usedTermSlots(b.items[i]!, extra);
    }
    return true;
  }
  if (a.t === 'object' && b.t === 'object' && a.entries.length === b.entries.length) {
    const extra = new Set<number>();
    const bnd = (s: number): boolean => isBound(s) || extra.has(s);
    for (const [ka, va] of a.entries) {
      if (ka.t !== 'const') return false;
      const other = b.entries.find(([kb]) => kb.t === 'const' && equals(kb.v, ka.v));
      if (!other) return true; // cannot unify at runtime, but not unsafe
      if (!unifiable(va, other[1], bnd)) return false;
      usedTermSlots(va, extra);
      usedTermSlots(other[1], extra);
    }
    return true;
  }
  return false;
}

/** Slots an expression binds when it succeeds. */
export function outputSlots(e: CExpr): Set<number> {
  const out = new Set<number>();
  switch (e.e) {
    case 'term':
      refKeySlots(e.term, out);
      break;
    case 'unify':
      usedTermSlots(e.a, out);
      usedTermSlots(e.b, out);
      break;
    case 'somein':
      if (e.key) usedTermSlots(e.key, out);
      usedTermSlots(e.value, out);
      refKeySlots(e.domain, out);
      break;
    case 'every':
    case 'not':
      break;
  }
  return out;
}

/** Local vars in ref key positions (they get bound by iteration). */
export function refKeySlots(t: CTerm, out: Set<number>): void {
  switch (t.t) {
    case 'input':
    case 'data':
    case 'ref':
      if (t.t === 'ref') refKeySlots(t.head, out);
      for (const p of t.path) {
        if (p.t === 'local' || p.t === 'array' || p.t === 'object') usedTermSlots(p, out);
        else refKeySlots(p, out);
      }
      return;
    default:
      forEachSubterm(t, refKeySlots, out);
  }
}

/** Unbound locals an expression needs (for unsafe-var messages). */
export function unboundLocals(e: CExpr, isBound: (s: number) => boolean): Map<number, string> {
  const out = new Map<number, string>();
  const visit = (t: CTerm): void => {
    for (const [slot, name] of unboundTermLocals(t, isBound)) out.set(slot, name);
  };
  switch (e.e) {
    case 'term':
      visit(e.term);
      break;
    case 'unify':
      visit(e.a);
      visit(e.b);
      break;
    case 'not':
      for (const b of e.body) for (const [s, n] of unboundLocals(b, isBound)) out.set(s, n);
      break;
    case 'somein':
      visit(e.domain);
      break;
    case 'every':
      visit(e.domain);
      break;
  }
  return out;
}

/** Unbound locals a term needs (for unsafe-var messages). */
export function unboundTermLocals(t: CTerm, isBound: (s: number) => boolean): Map<number, string> {
  const out = new Map<number, string>();
  const visit = (x: CTerm): void => {
    switch (x.t) {
      case 'local':
        if (!isBound(x.slot)) out.set(x.slot, x.name);
        return;
      case 'compr': {
        // A closure needs its free outer variables.
        const s = new Set<number>();
        usedTermSlots(x, s);
        for (const slot of s) if (!isBound(slot)) out.set(slot, `$${slot}`);
        return;
      }
      default:
        forEachSubterm(x, visit, undefined);
    }
  };
  visit(t);
  return out;
}
