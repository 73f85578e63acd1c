// regex.* and glob.* builtins (OPA `regex.go`, `glob.go`). Patterns are RE2 and gobwas/glob;
// see ../kernels/regex/re2.ts and ../kernels/regex/glob.ts for the translation to JS RegExp.
import { typeName, type Value } from '../value.js';
import { compileRe2, expandTemplate, findAll, Re2Error, type Matcher } from '../kernels/regex/re2.js';
import { compileGlob, GlobError, quoteMeta } from '../kernels/regex/glob.js';
import { globsIntersect, GlobIntersectionError } from '../kernels/regex/glob-intersection.js';
import { BuiltinError, OperandTypeError, expectString, operandError, type BuiltinDef } from './registry.js';
import { intOperand } from './operands.js';

function re(pattern: string): Matcher {
  try {
    return compileRe2(pattern);
  } catch (e) {
    if (e instanceof Re2Error) throw new BuiltinError(e.message);
    throw e;
  }
}

function matches(pattern: string, s: string): boolean {
  const r = re(pattern);
  r.lastIndex = 0;
  return r.test(s);
}

/** Go's Regexp.Split(s, -1). */
function split(r: Matcher, s: string): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of findAll(r, s, -1)) {
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's Regexp.ReplaceAllString. */
function replaceAll(r: Matcher, s: string, template: string): string {
  let out = '';
  let last = 0;
  for (const m of findAll(r, s, -1)) {
    out += s.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

// Escapes RE2 metacharacters, like Go's regexp.QuoteMeta.
function reQuoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
}

/** gorilla/mux-style template: literal text with delimited regex sections. */
function templateRegex(template: string, open: string, close: string): string {
  let out = '^';
  let i = 0;
  while (i < template.length) {
    const s = template.indexOf(open, i);
    if (s < 0) {
      out += reQuoteMeta(template.slice(i));
      break;
    }
    out += reQuoteMeta(template.slice(i, s));
    // Find the matching close delimiter, allowing nested open/close pairs.
    let depth = 0;
    let j = s;
    let e = -1;
    for (; j < template.length; j++) {
      if (template.startsWith(open, j)) {
        depth++;
        j += open.length - 1;
      } else if (template.startsWith(close, j)) {
        depth--;
        if (depth === 0) {
          e = j;
          break;
        }
        j += close.length - 1;
      }
    }
    if (e < 0) throw new BuiltinError(`unbalanced braces in ${JSON.stringify(template)}`);
    out += `(${template.slice(s + open.length, e)})`;
    i = e + close.length;
  }
  return out + '$';
}

// glob.match delimiters: null (none) or an array of single characters ([] means ["."]).
function delimitersOperand(v: Value): string[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw operandError(2, 'one of {array, null}', v);
  const out: string[] = [];
  for (const d of v) {
    if (typeof d !== 'string')
      throw new OperandTypeError(
        `operand 2 must be array of strings but got array containing ${typeName(d)}`,
      );
    const cps = Array.from(d);
    if (cps.length !== 1)
      throw new OperandTypeError('operand 2 must be array of runes but got array containing string');
    out.push(cps[0]!);
  }
  return out.length === 0 ? ['.'] : out;
}

/** The `regex` builtins. */
export const regexBuiltins: BuiltinDef[] = [
  { name: 'regex.match', arity: 2, fn: (args) => matches(expectString(args, 0), expectString(args, 1)) },
  { name: 're_match', arity: 2, fn: (args) => matches(expectString(args, 0), expectString(args, 1)) },
  {
    name: 'regex.is_valid',
    arity: 1,
    fn: (args) => {
      const p = args[0];
      if (typeof p !== 'string') return false;
      try {
        compileRe2(p);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'regex.find_n',
    arity: 3,
    fn: (args) => {
      const r = re(expectString(args, 0));
      const s = expectString(args, 1);
      const n = Number(intOperand(args, 2));
      return findAll(r, s, n).map((m) => m[0]);
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    arity: 3,
    fn: (args) => {
      const r = re(expectString(args, 0));
      const s = expectString(args, 1);
      const n = Number(intOperand(args, 2));
      return findAll(r, s, n).map((m) => Array.from(m, (g) => g ?? ''));
    },
  },
  {
    name: 'regex.replace',
    arity: 3,
    fn: (args) => {
      const s = expectString(args, 0);
      const r = re(expectString(args, 1));
      return replaceAll(r, s, expectString(args, 2));
    },
  },
  {
    name: 'regex.split',
    arity: 2,
    fn: (args) => split(re(expectString(args, 0)), expectString(args, 1)),
  },
  {
    name: 'regex.template_match',
    arity: 4,
    fn: (args) => {
      const t = expectString(args, 0);
      const s = expectString(args, 1);
      const open = expectString(args, 2);
      const close = expectString(args, 3);
      // OPA checks byte lengths (and reports the start delimiter's length for both).
      const openLen = Buffer.byteLength(open);
      if (openLen !== 1)
        throw new BuiltinError(`start delimiter has to be exactly one character long but is ${openLen} long`);
      if (Buffer.byteLength(close) !== 1) {
        throw new BuiltinError(`end delimiter has to be exactly one character long but is ${openLen} long`);
      }
      return matches(templateRegex(t, open, close), s);
    },
  },
  {
    name: 'glob.match',
    arity: 3,
    fn: (args) => {
      const pattern = expectString(args, 0);
      const delims = delimitersOperand(args[1]!);
      const s = expectString(args, 2);
      try {
        return compileGlob(pattern, delims).test(s);
      } catch (e) {
        if (e instanceof GlobError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
  {
    name: 'regex.globs_match',
    arity: 2,
    fn: (args) => {
      const a = expectString(args, 0);
      const b = expectString(args, 1);
      try {
        return globsIntersect(a, b);
      } catch (e) {
        if (e instanceof GlobIntersectionError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
  { name: 'glob.quote_meta', arity: 1, fn: (args) => quoteMeta(expectString(args, 0)) },
];
