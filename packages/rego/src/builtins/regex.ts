// regex.* and glob.* builtins (OPA `regex.go`, `glob.go`). Patterns are RE2 (re2js, linear
// time; see ../kernels/regex/re2.ts) and gobwas/glob (../kernels/regex/glob.ts).
import { typeName, type Value } from '../value.js';
import {
  compileRe2,
  findAll,
  group,
  quoteMeta as reQuoteMeta,
  Re2Error,
  replaceAll,
  split,
  type Regexp,
} from '../kernels/regex/re2.js';
import { compileGlob, GlobError, quoteMeta } from '../kernels/regex/glob.js';
import { globsIntersect, GlobIntersectionError } from '../kernels/regex/glob-intersection.js';
import {
  BuiltinError,
  OperandTypeError,
  expectString,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';
import { intOperand } from './operands.js';

// Matching cannot be interrupted, so its duration is estimated up front (measured on re2js,
// with a margin): a DFA test scans a character in ~10 ns, a search that reports positions
// in ~100 ns. Compiling costs about as much per pattern character.
const TEST_NS_PER_CHAR = 25;
const SEARCH_NS_PER_CHAR = 250;

function re(pattern: string, ctx: BuiltinContext): Regexp {
  ctx.expectWork((pattern.length * SEARCH_NS_PER_CHAR) / 1e6);
  try {
    return compileRe2(pattern);
  } catch (e) {
    if (e instanceof Re2Error) throw new BuiltinError(e.message);
    throw e;
  }
}

function matches(pattern: string, s: string, ctx: BuiltinContext): boolean {
  const r = re(pattern, ctx);
  ctx.expectWork((s.length * TEST_NS_PER_CHAR) / 1e6);
  return r.test(s);
}

/** A compiled pattern and its subject, with the search's duration charged. */
function search(args: Value[], patternPos: number, subjectPos: number, ctx: BuiltinContext) {
  const r = re(expectString(args, patternPos), ctx);
  const s = expectString(args, subjectPos);
  ctx.expectWork((s.length * SEARCH_NS_PER_CHAR) / 1e6);
  return { r, s, tick: () => ctx.charge(1) };
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
  {
    name: 'regex.match',
    arity: 2,
    fn: (args, ctx) => matches(expectString(args, 0), expectString(args, 1), ctx),
  },
  {
    name: 're_match',
    arity: 2,
    fn: (args, ctx) => matches(expectString(args, 0), expectString(args, 1), ctx),
  },
  {
    name: 'regex.is_valid',
    arity: 1,
    fn: (args, ctx) => {
      const p = args[0];
      if (typeof p !== 'string') return false;
      try {
        re(p, ctx);
        return true;
      } catch (e) {
        if (e instanceof BuiltinError) return false;
        throw e;
      }
    },
  },
  {
    name: 'regex.find_n',
    arity: 3,
    fn: (args, ctx) => {
      const { r, s, tick } = search(args, 0, 1, ctx);
      return findAll(r, s, Number(intOperand(args, 2)), tick).map((m) => group(m, 0));
    },
  },
  {
    name: 'regex.find_all_string_submatch_n',
    arity: 3,
    fn: (args, ctx) => {
      const { r, s, tick } = search(args, 0, 1, ctx);
      return findAll(r, s, Number(intOperand(args, 2)), tick).map((m) =>
        Array.from({ length: m.spans.length / 2 }, (_, g) => group(m, g)),
      );
    },
  },
  {
    name: 'regex.replace',
    arity: 3,
    fn: (args, ctx) => {
      const { r, s, tick } = search(args, 1, 0, ctx);
      return replaceAll(r, s, expectString(args, 2), tick);
    },
  },
  {
    name: 'regex.split',
    arity: 2,
    fn: (args, ctx) => {
      const { r, s, tick } = search(args, 0, 1, ctx);
      return split(r, s, tick);
    },
  },
  {
    name: 'regex.template_match',
    arity: 4,
    fn: (args, ctx) => {
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
      return matches(templateRegex(t, open, close), s, ctx);
    },
  },
  {
    name: 'glob.match',
    arity: 3,
    fn: (args, ctx) => {
      const pattern = expectString(args, 0);
      const delims = delimitersOperand(args[1]!);
      const s = expectString(args, 2);
      ctx.expectWork((pattern.length * SEARCH_NS_PER_CHAR + s.length * TEST_NS_PER_CHAR) / 1e6);
      try {
        return compileGlob(pattern, delims).testExact(s);
      } catch (e) {
        if (e instanceof GlobError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
  {
    name: 'regex.globs_match',
    arity: 2,
    fn: (args, ctx) => {
      const a = expectString(args, 0);
      const b = expectString(args, 1);
      try {
        return globsIntersect(a, b, ctx);
      } catch (e) {
        if (e instanceof GlobIntersectionError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
  { name: 'glob.quote_meta', arity: 1, fn: (args) => quoteMeta(expectString(args, 0)) },
];
