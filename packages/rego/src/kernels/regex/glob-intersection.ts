/**
 * Whether two simplified regular expressions can match a common string, for OPA's
 * `regex.globs_match` (yashtewari/glob-intersection semantics). Supported syntax: literal
 * characters, `\` escapes, `.`, character classes `[a-z]` / `[^…]`, and the quantifiers `*`, `+`
 * (and `?`). Decided on the product of the two token automata.
 *
 * Hand-written: the Go library OPA uses (yashtewari/glob-intersection) has no JS counterpart.
 */

/** An invalid pattern. */
export class GlobIntersectionError extends Error {}

type Range = [number, number];
const MAX = 0x10ffff;

interface Token {
  set: Range[]; // sorted, non-overlapping, inclusive
  q: '1' | '*' | '+' | '?';
}

function normalize(rs: Range[]): Range[] {
  const s = [...rs].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of s) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function complement(rs: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [a, b] of normalize(rs)) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

function intersects(a: Range[], b: Range[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [a0, a1] = a[i]!;
    const [b0, b1] = b[j]!;
    if (a0 <= b1 && b0 <= a1) return true;
    if (a1 < b1) i++;
    else j++;
  }
  return false;
}

function invalid(input: string, pos: number, msg: string): GlobIntersectionError {
  return new GlobIntersectionError(`input:${input}, pos:${pos}, ${msg}: the input provided is invalid`);
}

/** Tokenizes a pattern. */
export function tokenize(p: string): Token[] {
  const cps = Array.from(p);
  const out: Token[] = [];
  let i = 0;
  while (i < cps.length) {
    const c = cps[i]!;
    let set: Range[];
    if (c === '.') {
      set = [[0, MAX]];
      i++;
    } else if (c === '\\') {
      const n = cps[i + 1];
      if (n === undefined) throw invalid(p, i + 1, 'escape at end of input');
      const cp = n.codePointAt(0)!;
      set = [[cp, cp]];
      i += 2;
    } else if (c === '[') {
      const start = i;
      i++;
      let neg = false;
      if (cps[i] === '^') {
        neg = true;
        i++;
      }
      const rs: Range[] = [];
      let closed = false;
      while (i < cps.length) {
        let ch = cps[i]!;
        if (ch === ']') {
          closed = true;
          i++;
          break;
        }
        if (ch === '\\') {
          i++;
          ch = cps[i] ?? '';
        }
        const lo = ch.codePointAt(0)!;
        if (cps[i + 1] === '-' && cps[i + 2] !== undefined && cps[i + 2] !== ']') {
          let hiCh = cps[i + 2]!;
          let skip = 3;
          if (hiCh === '\\') {
            hiCh = cps[i + 3] ?? '';
            skip = 4;
          }
          const hi = hiCh.codePointAt(0)!;
          if (hi < lo) throw invalid(p, i + skip, 'range out of order');
          rs.push([lo, hi]);
          i += skip;
        } else {
          rs.push([lo, lo]);
          i++;
        }
      }
      if (!closed) throw invalid(p, start, "set-open '[' with no closing ']'");
      set = neg ? complement(rs) : normalize(rs);
    } else if (c === ']') {
      throw invalid(p, i + 1, "set-close ']' with no preceding '['");
    } else if (c === '*' || c === '+' || c === '?') {
      throw invalid(p, i + 1, `quantifier '${c}' with nothing to repeat`);
    } else {
      const cp = c.codePointAt(0)!;
      set = [[cp, cp]];
      i++;
    }
    let q: Token['q'] = '1';
    const n = cps[i];
    if (n === '*' || n === '+' || n === '?') {
      q = n;
      i++;
    }
    out.push({ set, q });
  }
  return out;
}

// States: token index, plus "inside a + loop" (may repeat or move on): 2*index + (inLoop ? 1 : 0).
type State = number;

/** The state reached from `s` without consuming a character, or -1. */
function skip(toks: Token[], s: State): State {
  const idx = s >> 1;
  const t = toks[idx];
  if (!t) return -1;
  return t.q === '*' || t.q === '?' || (s & 1) === 1 ? (idx + 1) * 2 : -1;
}

/** The state reached from `s` by consuming a character of the token's set. */
function step(toks: Token[], s: State): { set: Range[]; to: State } | undefined {
  const idx = s >> 1;
  const t = toks[idx];
  if (!t) return undefined;
  if (t.q === '*' || t.q === '+' || (s & 1) === 1) return { set: t.set, to: idx * 2 + 1 };
  return { set: t.set, to: (idx + 1) * 2 };
}

/** What the search may charge: the caller's budget. */
export interface IntersectionBudget {
  allocate(bytes: number): void;
  checkTime(): void;
}

/**
 * True when some string matches both patterns: a breadth-first search of the product of the
 * two token automata, O(|a|·|b|) states (a visited bitmap) with one move per side each.
 */
export function globsIntersect(a: string, b: string, budget?: IntersectionBudget): boolean {
  const ta = tokenize(a);
  const tb = tokenize(b);
  const width = 2 * tb.length + 2;
  const states = (2 * ta.length + 2) * width;
  budget?.allocate(states / 8);
  const seen = new Uint32Array(Math.ceil(states / 32));
  const queue: number[] = [];
  const visit = (x: State, y: State): void => {
    const i = x * width + y;
    if (seen[i >>> 5]! & (1 << (i & 31))) return;
    seen[i >>> 5]! |= 1 << (i & 31);
    queue.push(i);
  };
  visit(0, 0);
  for (let head = 0; head < queue.length; head++) {
    if ((head & 4095) === 4095) budget?.checkTime();
    const x = Math.floor(queue[head]! / width);
    const y = queue[head]! % width;
    if (x >> 1 === ta.length && y >> 1 === tb.length) return true;
    const sx = skip(ta, x);
    if (sx >= 0) visit(sx, y);
    const sy = skip(tb, y);
    if (sy >= 0) visit(x, sy);
    const ea = step(ta, x);
    const eb = step(tb, y);
    if (ea && eb && intersects(ea.set, eb.set)) visit(ea.to, eb.to);
  }
  return false;
}
