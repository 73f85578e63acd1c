// Rule indexing and constant-value detection, computed once per rule set at compile time.
import { equals } from './compare.js';
import type { CTerm, RuleDef, RuleSet } from './ir.js';
import { keyOf, type Value } from './value.js';

/** The constant every definition yields (no else chains), enabling early exit. */
export function constValueOf(rs: RuleSet): Value | undefined {
  if (rs.kind !== 'complete' || rs.defs.length === 0) return undefined;
  let v: Value | undefined;
  for (const d of rs.defs) {
    if (d.elses.length > 0 || d.value.t !== 'const') return undefined;
    if (v === undefined) v = d.value.v;
    else if (!equals(v, d.value.v)) return undefined;
  }
  return v;
}

/** Picks the input ref most often compared with a constant and indexes definitions by it. */
export function buildIndex(rs: RuleSet): RuleSet['index'] {
  if (rs.defs.length < 4 || rs.kind === 'function') return undefined;
  const candidates = rs.defs.map((d) => {
    const m = new Map<string, Value>();
    if (d.elses.length > 0) return m;
    for (const e of d.body) {
      if (e.with) continue;
      let a: CTerm | undefined;
      let b: CTerm | undefined;
      if (e.e === 'unify') [a, b] = [e.a, e.b];
      else if (e.e === 'term' && e.term.t === 'call' && e.term.name === 'equal')
        [a, b] = [e.term.args[0], e.term.args[1]];
      if (!a || !b) continue;
      if (a.t === 'const') [a, b] = [b, a];
      if (a.t !== 'input' || b.t !== 'const') continue;
      if (!a.path.every((p) => p.t === 'const' && typeof p.v === 'string')) continue;
      const path = a.path.map((p) => (p as { v: string }).v);
      m.set(JSON.stringify(path), b.v);
    }
    return m;
  });
  const counts = new Map<string, number>();
  for (const m of candidates) for (const k of m.keys()) counts.set(k, (counts.get(k) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [k, c] of counts) {
    if (c > bestCount) {
      best = k;
      bestCount = c;
    }
  }
  if (!best || bestCount < 4) return undefined;
  const byKey = new Map<string, RuleDef[]>();
  const rest: RuleDef[] = [];
  rs.defs.forEach((d, i) => {
    const v = candidates[i]!.get(best);
    if (v === undefined) rest.push(d);
    else {
      const k = keyOf(v);
      const list = byKey.get(k);
      if (list) list.push(d);
      else byKey.set(k, [d]);
    }
  });
  // Each key's list ends with the unindexed definitions, so evaluation never concatenates.
  if (rest.length > 0) for (const list of byKey.values()) list.push(...rest);
  return { path: JSON.parse(best) as string[], byKey, rest };
}
