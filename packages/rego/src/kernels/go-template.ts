/**
 * A subset of Go's text/template for OPA's `strings.render_template`: `{{.a.b}}`, variables,
 * `if`/`else if`/`else`, `range` (with `$i, $v :=`), `with`, comments, trim markers, pipelines
 * and the common functions (len, index, eq/ne/lt/le/gt/ge, and/or/not, print/printf/println).
 * Works on plain JSON-like values; a missing key renders as `<undefined>` like OPA.
 *
 * Hand-written: no JS port of Go's text/template exists; Handlebars/Mustache differ in syntax
 * and in how missing keys and pipelines behave.
 */
import { goSprintf, type GoArg } from './go-fmt.js';

/** A template syntax or execution error. */
export class TemplateError extends Error {}

/** What rendering charges per executed node and per output character: the caller's budget. */
export interface TemplateBudget {
  charge(steps: number): void;
  allocate(bytes: number): void;
}

const MISSING = Symbol('missing');
type TV = unknown;

interface Node {
  kind: 'text' | 'action' | 'if' | 'range' | 'with';
  text?: string;
  pipe?: string;
  decl?: string[];
  body?: Node[];
  elseBody?: Node[];
}

function tokenizeTemplate(src: string): Array<{ text?: string; action?: string }> {
  const out: Array<{ text?: string; action?: string }> = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src[start] === '-' && /\s/.test(src[start + 1] ?? '')) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError('template: unclosed action');
    let inner = src.slice(start, close);
    let next = close + 2;
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      const m = /^\s*/.exec(src.slice(next))!;
      next += m[0].length;
    }
    if (text !== '') out.push({ text });
    out.push({ action: inner.trim() });
    i = next;
  }
  return out;
}

function parse(src: string): Node[] {
  const toks = tokenizeTemplate(src);
  let pos = 0;
  const block = (terminators: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (pos < toks.length) {
      const t = toks[pos++]!;
      if (t.text !== undefined) {
        nodes.push({ kind: 'text', text: t.text });
        continue;
      }
      const a = t.action!;
      if (a.startsWith('/*')) continue;
      const word = /^(\w+)/.exec(a)?.[1] ?? '';
      if (terminators.includes(word) || (word === 'else' && terminators.includes('else')))
        return { nodes, end: a };
      if (word === 'if' || word === 'range' || word === 'with') {
        nodes.push(control(word, a.slice(word.length).trim()));
        continue;
      }
      if (word === 'end' || word === 'else') throw new TemplateError(`template: unexpected {{${word}}}`);
      nodes.push({ kind: 'action', pipe: a });
    }
    if (terminators.length > 0) throw new TemplateError('template: unexpected EOF');
    return { nodes, end: '' };
  };
  // Parses a control structure after its keyword, through its {{end}}. `else if` becomes a
  // nested if that shares the outer {{end}}.
  const control = (word: 'if' | 'range' | 'with', rest: string): Node => {
    let decl: string[] | undefined;
    const d = /^(\$\w*)\s*(?:,\s*(\$\w*))?\s*:=\s*/.exec(rest);
    if (d && word !== 'if') {
      decl = d[2] ? [d[1]!, d[2]] : [d[1]!];
      rest = rest.slice(d[0].length);
    }
    const node: Node = { kind: word, pipe: rest, decl };
    const body = block(['end', 'else']);
    node.body = body.nodes;
    if (body.end.startsWith('else')) {
      const elseRest = body.end.slice(4).trim();
      if (elseRest.startsWith('if ')) node.elseBody = [control('if', elseRest.slice(3).trim())];
      else node.elseBody = block(['end']).nodes;
    }
    return node;
  };
  return block([]).nodes;
}

function truthy(v: TV): boolean {
  if (v === MISSING || v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

function show(v: TV): string {
  if (v === MISSING) return '<undefined>';
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return goSprintf('%v', [toGoArg(v)]);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(' ')}]`;
  const o = v as Record<string, TV>;
  return `map[${Object.keys(o)
    .sort()
    .map((k) => `${k}:${show(o[k])}`)
    .join(' ')}]`;
}

function toGoArg(v: TV): GoArg {
  if (typeof v === 'number')
    return Number.isInteger(v) ? { kind: 'int', value: BigInt(v) } : { kind: 'float', value: v };
  return { kind: 'string', value: show(v) };
}

function splitArgs(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i]!)) {
      i++;
      continue;
    }
    if (s[i] === '"' || s[i] === '`') {
      const q = s[i]!;
      let j = i + 1;
      while (j < s.length && s[j] !== q) j += s[j] === '\\' && q === '"' ? 2 : 1;
      out.push(s.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (s[i] === '(') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '(') depth++;
        else if (s[j] === ')' && --depth === 0) break;
      }
      out.push(s.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !/\s/.test(s[j]!)) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

function compare(a: TV, b: TV): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateError('template: incompatible types for comparison');
}

/** Renders a template against data. */
export function renderTemplate(src: string, data: TV, budget?: TemplateBudget): string {
  const nodes = parse(src);
  const vars: Array<Map<string, TV>> = [new Map([['$', data]])];
  const lookupVar = (name: string): TV => {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.has(name)) return vars[i]!.get(name);
    throw new TemplateError(`template: undefined variable "${name}"`);
  };
  const field = (base: TV, path: string[]): TV => {
    let cur = base;
    for (const p of path) {
      if (p === '') continue;
      if (cur !== null && typeof cur === 'object' && !Array.isArray(cur) && p in (cur as object)) {
        cur = (cur as Record<string, TV>)[p];
      } else return MISSING;
    }
    return cur;
  };
  const evalArg = (a: string, dot: TV): TV => {
    if (a.startsWith('(') && a.endsWith(')')) return evalPipe(a.slice(1, -1), dot);
    if (a.startsWith('"')) return JSON.parse(a) as string;
    if (a.startsWith('`')) return a.slice(1, -1);
    if (a === 'true' || a === 'false') return a === 'true';
    if (a === 'nil') return null;
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(a)) return Number(a);
    if (a === '.') return dot;
    if (a.startsWith('.')) return field(dot, a.slice(1).split('.'));
    if (a.startsWith('$')) {
      const [name, ...rest] = a.split('.');
      return field(lookupVar(name!), rest);
    }
    throw new TemplateError(`template: function "${a}" not defined`);
  };
  const call = (fn: string, args: TV[]): TV => {
    switch (fn) {
      case 'len': {
        const v = args[0];
        if (typeof v === 'string') return Buffer.byteLength(v);
        if (Array.isArray(v)) return v.length;
        if (v && typeof v === 'object') return Object.keys(v).length;
        throw new TemplateError('template: len of invalid type');
      }
      case 'index': {
        let cur = args[0];
        for (const k of args.slice(1)) cur = (cur as Record<string, TV>)?.[k as string];
        return cur ?? MISSING;
      }
      case 'eq':
        return args.slice(1).some((x) => x === args[0]);
      case 'ne':
        return args[0] !== args[1];
      case 'lt':
        return compare(args[0], args[1]) < 0;
      case 'le':
        return compare(args[0], args[1]) <= 0;
      case 'gt':
        return compare(args[0], args[1]) > 0;
      case 'ge':
        return compare(args[0], args[1]) >= 0;
      case 'and':
        return args.find((x) => !truthy(x)) ?? args[args.length - 1];
      case 'or':
        return args.find((x) => truthy(x)) ?? args[args.length - 1];
      case 'not':
        return !truthy(args[0]);
      case 'print':
        return args.map(show).join('');
      case 'println':
        return args.map(show).join(' ') + '\n';
      case 'printf':
        return goSprintf(String(args[0]), args.slice(1).map(toGoArg));
      default:
        throw new TemplateError(`template: function "${fn}" not defined`);
    }
  };
  const evalCommand = (cmd: string, dot: TV, piped: TV[]): TV => {
    const parts = splitArgs(cmd);
    if (parts.length === 0) throw new TemplateError('template: missing value for command');
    const head = parts[0]!;
    if (/^[A-Za-z_]\w*$/.test(head) && !['true', 'false', 'nil'].includes(head)) {
      return call(head, [...parts.slice(1).map((p) => evalArg(p, dot)), ...piped]);
    }
    if (parts.length > 1 || piped.length > 0)
      throw new TemplateError(`template: can't give argument to non-function ${head}`);
    return evalArg(head, dot);
  };
  const evalPipe = (pipe: string, dot: TV): TV => {
    const decl = /^(\$\w*)\s*(:?=)\s*/.exec(pipe);
    if (decl) {
      const v = evalPipe(pipe.slice(decl[0].length), dot);
      vars[vars.length - 1]!.set(decl[1]!, v);
      return undefined;
    }
    let result: TV[] = [];
    for (const cmd of pipe.split('|')) result = [evalCommand(cmd.trim(), dot, result)];
    return result[0];
  };
  const exec = (ns: Node[], dot: TV): string => {
    let out = '';
    for (const n of ns) {
      budget?.charge(1);
      if (n.kind === 'text') {
        budget?.allocate(2 * n.text!.length);
        out += n.text;
      } else if (n.kind === 'action') {
        const v = evalPipe(n.pipe!, dot);
        if (v === undefined) continue;
        const text = show(v);
        budget?.allocate(2 * text.length);
        out += text;
      } else {
        vars.push(new Map());
        try {
          const v = evalPipe(n.pipe!, dot);
          if (n.kind === 'if') out += truthy(v) ? exec(n.body!, dot) : exec(n.elseBody ?? [], dot);
          else if (n.kind === 'with') {
            if (n.decl) vars[vars.length - 1]!.set(n.decl[0]!, v);
            out += truthy(v) ? exec(n.body!, v) : exec(n.elseBody ?? [], dot);
          } else {
            const entries: Array<[TV, TV]> = Array.isArray(v)
              ? v.map((x, i) => [i, x])
              : v && typeof v === 'object'
                ? Object.keys(v)
                    .sort()
                    .map((k) => [k, (v as Record<string, TV>)[k]])
                : [];
            if (entries.length === 0) out += exec(n.elseBody ?? [], dot);
            for (const [k, x] of entries) {
              if (n.decl?.length === 2) {
                vars[vars.length - 1]!.set(n.decl[0]!, k);
                vars[vars.length - 1]!.set(n.decl[1]!, x);
              } else if (n.decl?.length === 1) vars[vars.length - 1]!.set(n.decl[0]!, x);
              out += exec(n.body!, x);
            }
          }
        } finally {
          vars.pop();
        }
      }
    }
    return out;
  };
  return exec(nodes, data);
}
