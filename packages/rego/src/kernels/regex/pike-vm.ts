/**
 * A linear-time regular expression matcher (Pike VM, as in RE2) for the regex builtins.
 * JavaScript's backtracking engine can take exponential time on patterns such as `(a+)+$`;
 * RE2, which OPA uses, cannot. Patterns with nested repetition run here instead, so no policy
 * can hang the evaluator through a regex.
 *
 * Input is the JS source produced by ./re2.ts (already case-folded and anchored the RE2 way),
 * which uses a small subset of JS syntax: literals and escapes, classes, groups (capturing,
 * named, non-capturing), alternation, quantifiers (greedy/lazy, counted), the lookaround forms
 * re2.ts emits for anchors, and \b / \B. Single-character atoms are tested with a one-character
 * JS RegExp, so class semantics (incl. \p{…}) are exactly JavaScript's.
 */

type Node =
  | { k: 'char'; test: (cp: string) => boolean }
  | { k: 'cat'; items: Node[] }
  | { k: 'alt'; items: Node[] }
  | { k: 'rep'; node: Node; min: number; max: number; greedy: boolean }
  | { k: 'group'; node: Node; index: number | undefined }
  | { k: 'assert'; kind: 'textStart' | 'textEnd' | 'lineStart' | 'lineEnd' | 'word' | 'notWord' };

const ASSERTS: Array<[string, 'textStart' | 'textEnd' | 'lineStart' | 'lineEnd']> = [
  ['(?<![\\s\\S])', 'textStart'],
  ['(?![\\s\\S])', 'textEnd'],
  ['(?<![^\\n])', 'lineStart'],
  ['(?![^\\n])', 'lineEnd'],
];

function charTester(src: string): (cp: string) => boolean {
  const re = new RegExp(`^${src}$`, 'u');
  return (cp) => re.test(cp);
}

/** Parses the JS subset emitted by re2.ts. */
function parse(src: string): { node: Node; groups: number; names: Array<string | undefined> } {
  let i = 0;
  let groups = 0;
  const names: Array<string | undefined> = [];
  const alt = (): Node => {
    const items = [cat()];
    while (src[i] === '|') {
      i++;
      items.push(cat());
    }
    return items.length === 1 ? items[0]! : { k: 'alt', items };
  };
  const cat = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      let atom = primary();
      for (;;) {
        const q = /^(\*|\+|\?|\{(\d+)(,(\d*))?\})(\??)/.exec(src.slice(i));
        if (!q || atom.k === 'assert') break;
        i += q[0].length;
        let min = 0;
        let max = Infinity;
        if (q[1] === '+') min = 1;
        else if (q[1] === '?') max = 1;
        else if (q[2] !== undefined) {
          min = Number(q[2]);
          max = q[3] === undefined ? min : q[4] === '' ? Infinity : Number(q[4]);
        }
        atom = { k: 'rep', node: atom, min, max, greedy: q[5] !== '?' };
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0]! : { k: 'cat', items };
  };
  const primary = (): Node => {
    for (const [text, kind] of ASSERTS) {
      if (src.startsWith(text, i)) {
        i += text.length;
        return { k: 'assert', kind };
      }
    }
    const c = src[i]!;
    if (c === '(') {
      let index: number | undefined;
      if (src.startsWith('(?:', i)) i += 3;
      else {
        const named = /^\(\?<([A-Za-z0-9_]+)>/.exec(src.slice(i));
        index = ++groups;
        names[index] = named?.[1];
        i += named ? named[0].length : 1;
      }
      const node = alt();
      if (src[i] !== ')') throw new Error('unbalanced group');
      i++;
      return { k: 'group', node, index };
    }
    if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      const cls = src.slice(i, j + 1);
      i = j + 1;
      return { k: 'char', test: charTester(cls) };
    }
    if (c === '\\') {
      const n = src[i + 1]!;
      if (n === 'b' || n === 'B') {
        i += 2;
        return { k: 'assert', kind: n === 'b' ? 'word' : 'notWord' };
      }
      let len = 2;
      if (n === 'x') len = 4;
      else if (n === 'u' && src[i + 2] === '{') len = src.indexOf('}', i) - i + 1;
      else if ((n === 'p' || n === 'P') && src[i + 2] === '{') len = src.indexOf('}', i) - i + 1;
      const esc = src.slice(i, i + len);
      i += len;
      return { k: 'char', test: charTester(esc) };
    }
    const cp = String.fromCodePoint(src.codePointAt(i)!);
    i += cp.length;
    return { k: 'char', test: (x) => x === cp };
  };
  const node = alt();
  if (i !== src.length) throw new Error('unexpected )');
  return { node, groups, names };
}

type Inst =
  | { op: 'char'; test: (cp: string) => boolean }
  | { op: 'split'; x: number; y: number }
  | { op: 'jmp'; x: number }
  | { op: 'save'; n: number }
  | { op: 'assert'; kind: Extract<Node, { k: 'assert' }>['kind'] }
  | { op: 'match' };

const MAX_PROGRAM = 100_000;

function compile(node: Node): Inst[] {
  const prog: Inst[] = [];
  const emit = (n: Node): void => {
    if (prog.length > MAX_PROGRAM) throw new Error('regular expression too large');
    switch (n.k) {
      case 'char':
        prog.push({ op: 'char', test: n.test });
        return;
      case 'assert':
        prog.push({ op: 'assert', kind: n.kind });
        return;
      case 'cat':
        n.items.forEach(emit);
        return;
      case 'group':
        if (n.index !== undefined) prog.push({ op: 'save', n: 2 * n.index });
        emit(n.node);
        if (n.index !== undefined) prog.push({ op: 'save', n: 2 * n.index + 1 });
        return;
      case 'alt': {
        const jumps: Array<{ op: 'jmp'; x: number }> = [];
        for (let k = 0; k < n.items.length; k++) {
          if (k < n.items.length - 1) {
            const split = { op: 'split' as const, x: prog.length + 1, y: -1 };
            prog.push(split);
            emit(n.items[k]!);
            const j = { op: 'jmp' as const, x: -1 };
            prog.push(j);
            jumps.push(j);
            split.y = prog.length;
          } else emit(n.items[k]!);
        }
        for (const j of jumps) j.x = prog.length;
        return;
      }
      case 'rep': {
        for (let k = 0; k < n.min; k++) emit(n.node);
        if (n.max === Infinity) {
          const split = { op: 'split' as const, x: -1, y: -1 };
          const start = prog.length;
          prog.push(split);
          emit(n.node);
          prog.push({ op: 'jmp', x: start });
          if (n.greedy) [split.x, split.y] = [start + 1, prog.length];
          else [split.x, split.y] = [prog.length, start + 1];
          return;
        }
        const splits: Array<{ op: 'split'; x: number; y: number }> = [];
        for (let k = n.min; k < n.max; k++) {
          const split = { op: 'split' as const, x: -1, y: -1 };
          prog.push(split);
          splits.push(split);
          const body = prog.length;
          emit(n.node);
          if (n.greedy) split.x = body;
          else split.y = body;
        }
        for (const s of splits) {
          if (n.greedy) s.y = prog.length;
          else s.x = prog.length;
        }
      }
    }
  };
  emit(node);
  prog.push({ op: 'match' });
  return prog;
}

const isWord = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Za-z_]$/.test(c);

/** A compiled linear-time regex with a RegExp-like exec/test/lastIndex interface. */
export class PikeRegExp {
  lastIndex = 0;
  private readonly prog: Inst[];
  private readonly ngroups: number;
  private readonly names: Array<string | undefined>;

  constructor(jsSource: string) {
    const p = parse(jsSource);
    this.prog = compile(p.node);
    this.ngroups = p.groups;
    this.names = p.names;
  }

  test(s: string): boolean {
    this.lastIndex = 0;
    return this.run(s, 0) !== null;
  }

  /** Like RegExp#exec with the `g` flag: searches from lastIndex and advances it. */
  exec(s: string): RegExpExecArray | null {
    const m = this.run(s, this.lastIndex);
    if (!m) {
      this.lastIndex = 0;
      return null;
    }
    this.lastIndex = m.index + m[0].length;
    return m;
  }

  private run(s: string, from: number): RegExpExecArray | null {
    const prog = this.prog;
    const nslots = 2 * (this.ngroups + 1);
    type Thread = { pc: number; caps: number[] };
    let clist: Thread[] = [];
    let matched: number[] | undefined;
    let gen = 0;
    const seen = new Int32Array(prog.length).fill(-1);
    // Follows non-consuming instructions from pc at position `at` (UTF-16 offset).
    const add = (
      list: Thread[],
      pc: number,
      caps: number[],
      at: number,
      prev: string | undefined,
      cur: string | undefined,
    ): void => {
      if (seen[pc] === gen) return;
      seen[pc] = gen;
      const inst = prog[pc]!;
      switch (inst.op) {
        case 'jmp':
          add(list, inst.x, caps, at, prev, cur);
          return;
        case 'split':
          add(list, inst.x, caps, at, prev, cur);
          add(list, inst.y, caps, at, prev, cur);
          return;
        case 'save': {
          const c = caps.slice();
          c[inst.n] = at;
          add(list, pc + 1, c, at, prev, cur);
          return;
        }
        case 'assert': {
          let ok: boolean;
          switch (inst.kind) {
            case 'textStart':
              ok = at === 0;
              break;
            case 'textEnd':
              ok = at === s.length;
              break;
            case 'lineStart':
              ok = at === 0 || prev === '\n';
              break;
            case 'lineEnd':
              ok = at === s.length || cur === '\n';
              break;
            case 'word':
              ok = isWord(prev) !== isWord(cur);
              break;
            default:
              ok = isWord(prev) === isWord(cur);
          }
          if (ok) add(list, pc + 1, caps, at, prev, cur);
          return;
        }
        default:
          list.push({ pc, caps });
      }
    };
    let at = from;
    let prev: string | undefined;
    if (from > 0) {
      const low = s.charCodeAt(from - 1);
      prev = low >= 0xdc00 && low <= 0xdfff && from >= 2 ? s.slice(from - 2, from) : s[from - 1];
    }
    for (;;) {
      const cur = at < s.length ? String.fromCodePoint(s.codePointAt(at)!) : undefined;
      gen++;
      const list: Thread[] = [];
      for (const t of clist) add(list, t.pc, t.caps, at, prev, cur);
      if (matched === undefined) {
        const caps = new Array<number>(nslots).fill(-1);
        caps[0] = at;
        add(list, 0, caps, at, prev, cur);
      }
      clist = [];
      for (const t of list) {
        const inst = prog[t.pc]!;
        if (inst.op === 'match') {
          matched = t.caps.slice();
          matched[1] = at;
          break; // lower-priority threads are cut off (leftmost-first)
        }
        if (inst.op === 'char' && cur !== undefined && inst.test(cur))
          clist.push({ pc: t.pc + 1, caps: t.caps });
      }
      if (cur === undefined || (clist.length === 0 && matched !== undefined)) break;
      at += cur.length;
      prev = cur;
    }
    if (!matched) return null;
    const out: string[] = [];
    for (let g = 0; g <= this.ngroups; g++) {
      const a = matched[2 * g]!;
      const b = matched[2 * g + 1]!;
      out.push(a >= 0 && b >= 0 ? s.slice(a, b) : (undefined as unknown as string));
    }
    const arr = out as unknown as RegExpExecArray;
    arr.index = matched[0]!;
    arr.input = s;
    if (this.names.some((n) => n !== undefined)) {
      const groups: Record<string, string> = {};
      this.names.forEach((n, idx) => {
        if (n !== undefined) groups[n] = out[idx] as string;
      });
      arr.groups = groups;
    }
    return arr;
  }
}

/** True when backtracking could blow up: a repeated sub-pattern that itself repeats or branches. */
export function needsLinearEngine(jsSource: string): boolean {
  const stack: boolean[] = []; // per open group: contains a quantifier or alternation
  for (let i = 0; i < jsSource.length; i++) {
    const c = jsSource[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < jsSource.length && jsSource[i] !== ']') i += jsSource[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') {
      stack.push(false);
      continue;
    }
    if (c === ')') {
      const risky = stack.pop() ?? false;
      const q = jsSource[i + 1];
      if (risky && (q === '*' || q === '+' || q === '{')) return true;
      if (risky && stack.length > 0) stack[stack.length - 1] = true;
      continue;
    }
    if ((c === '*' || c === '+' || c === '{' || c === '|') && stack.length > 0)
      stack[stack.length - 1] = true;
  }
  return false;
}
