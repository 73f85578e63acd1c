/**
 * RE2 (Go `regexp`) → JavaScript `RegExp` translation for OPA's `regex.*` builtins.
 *
 * The output always uses the `u` flag so matching is by code point, as in Go. Differences
 * handled here: inline flags (`(?i)`, `(?s)`, `(?m)`, `(?U)`, scoped `(?i:…)`), which JS cannot
 * scope, are applied while translating (letters become `[aA]`, `.` and anchors are rewritten);
 * `\A`, `\z`, `\Q…\E`, POSIX classes, `\pL`/`\p{Greek}`, Go's narrower `\s` and `.`, `(?P<n>…)`;
 * RE2 rejects lookaround and backreferences, so those are errors here.
 */
import { PikeRegExp, needsLinearEngine } from './pike-vm.js';

/** An invalid pattern, with a Go-like message. */
export class Re2Error extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const GO_SPACE = '\\t\\n\\f\\r ';
// `-` is only special inside classes; escaping it outside is an error under the `u` flag.
const SYNTAX = new Set('^$\\.*+?()[]{}|/');

function escapeLiteral(ch: string): string {
  if (SYNTAX.has(ch)) return '\\' + ch;
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0');
  return ch;
}

function caseFold(ch: string, flags: Flags, inClass: boolean): string {
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  if (!flags.i || lo === up || [...lo].length !== 1 || [...up].length !== 1) {
    return inClass ? escapeClassChar(ch) : escapeLiteral(ch);
  }
  return inClass
    ? escapeClassChar(lo) + escapeClassChar(up)
    : `[${escapeClassChar(lo)}${escapeClassChar(up)}]`;
}

function escapeClassChar(ch: string): string {
  if ('\\]^-['.includes(ch)) return '\\' + ch;
  const c = ch.codePointAt(0)!;
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0');
  return ch;
}

function unicodeClass(name: string, negated: boolean): string {
  let n = name;
  let neg = negated;
  if (n.startsWith('^')) {
    n = n.slice(1);
    neg = !neg;
  }
  if (n === 'Any') return neg ? '[^\\s\\S]' : '[\\s\\S]';
  const prop = n.length <= 2 ? n : `Script=${n}`;
  try {
    new RegExp(`\\p{${prop}}`, 'u');
  } catch {
    throw new Re2Error(`invalid character class range: \`\\p{${name}}\``);
  }
  return `\\${neg ? 'P' : 'p'}{${prop}}`;
}

/** The translated source and global flags of an RE2 pattern. */
export interface Translated {
  source: string;
  flags: string;
  groupNames: Array<string | undefined>;
}

/** Translates an RE2 pattern; throws Re2Error when RE2 would reject it. */
export function translateRe2(pattern: string): Translated {
  let out = '';
  let i = 0;
  const groupNames: Array<string | undefined> = [];
  // Flag scopes: one entry per open group, restoring the flags when it closes.
  const stack: Flags[] = [];
  let flags: Flags = { i: false, m: false, s: false, U: false };
  let lastAtomEnd = -1; // whether a quantifier has something to apply to
  const err = (msg: string): never => {
    throw new Re2Error(`error parsing regexp: ${msg}`);
  };

  const readEscape = (inClass: boolean): string => {
    // pattern[i] === '\\'
    const c = pattern[i + 1];
    if (c === undefined) err('trailing backslash at end of expression: ``');
    i += 2;
    switch (c) {
      case 'd':
        return inClass ? '0-9' : '[0-9]';
      case 'D':
        return inClass ? '\\D' : '[^0-9]';
      case 'w':
        return inClass ? '0-9A-Za-z_' : '[0-9A-Za-z_]';
      case 'W':
        return inClass ? '\\W' : '[^0-9A-Za-z_]';
      case 's':
        return inClass ? GO_SPACE : `[${GO_SPACE}]`;
      case 'S':
        return inClass ? '\\S' : `[^${GO_SPACE}]`;
      case 'a':
        return '\\x07';
      case 'f':
        return '\\f';
      case 't':
        return '\\t';
      case 'n':
        return '\\n';
      case 'r':
        return '\\r';
      case 'v':
        return '\\v';
      case 'x': {
        if (pattern[i] === '{') {
          const end = pattern.indexOf('}', i);
          if (end < 0) err(`invalid escape sequence: \`\\x${pattern.slice(i)}\``);
          const hex = pattern.slice(i + 1, end);
          if (!/^[0-9A-Fa-f]+$/.test(hex)) err(`invalid escape sequence: \`\\x{${hex}}\``);
          i = end + 1;
          return `\\u{${hex}}`;
        }
        const hex = pattern.slice(i, i + 2);
        if (!/^[0-9A-Fa-f]{2}$/.test(hex)) err(`invalid escape sequence: \`\\x${hex}\``);
        i += 2;
        return `\\x${hex}`;
      }
      case 'p':
      case 'P': {
        let name: string;
        if (pattern[i] === '{') {
          const end = pattern.indexOf('}', i);
          if (end < 0) err(`invalid character class range: \`\\${c}${pattern.slice(i)}\``);
          name = pattern.slice(i + 1, end);
          i = end + 1;
        } else {
          name = pattern[i] ?? '';
          i += 1;
        }
        return unicodeClass(name, c === 'P');
      }
      case 'A':
      case 'z':
      case 'b':
      case 'B':
        if (inClass) err(`invalid escape sequence: \`\\${c}\``);
        if (c === 'A') return '(?<![\\s\\S])';
        if (c === 'z') return '(?![\\s\\S])';
        return '\\' + c;
      case 'Q': {
        const end = pattern.indexOf('\\E', i);
        const lit = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        i = end < 0 ? pattern.length : end + 2;
        return [...lit].map((ch) => caseFold(ch, flags, inClass)).join('');
      }
    }
    if (c! >= '0' && c! <= '7') {
      // Go accepts octal escapes \1-\7 only after a 0 … RE2 rejects backreferences.
      if (c === '0') {
        const m = /^[0-7]{0,2}/.exec(pattern.slice(i))![0];
        i += m.length;
        return (
          '\\x' +
          parseInt('0' + m, 8)
            .toString(16)
            .padStart(2, '0')
        );
      }
      err(`invalid escape sequence: \`\\${c}\``);
    }
    if (/[A-Za-z0-9]/.test(c!)) err(`invalid escape sequence: \`\\${c}\``);
    return inClass ? escapeClassChar(c!) : caseFold(c!, flags, false);
  };

  const readClass = (): string => {
    // pattern[i] === '['
    const start = i;
    i++;
    let neg = false;
    if (pattern[i] === '^') {
      neg = true;
      i++;
    }
    let body = '';
    let first = true;
    for (;;) {
      if (i >= pattern.length) err(`missing closing ]: \`${pattern.slice(start)}\``);
      const ch = pattern[i]!;
      if (ch === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (ch === '[' && pattern[i + 1] === ':') {
        const end = pattern.indexOf(':]', i + 2);
        if (end > 0) {
          let name = pattern.slice(i + 2, end);
          const pneg = name.startsWith('^');
          if (pneg) name = name.slice(1);
          const set = POSIX[name];
          if (set === undefined) err(`invalid character class range: \`${pattern.slice(i, end + 2)}\``);
          i = end + 2;
          if (pneg) {
            // A negated POSIX class inside a class: only expressible when it is the whole class.
            body += `\\P{ASCII}`;
            continue;
          }
          body += set;
          continue;
        }
      }
      if (ch === '\\') {
        body += readEscape(true);
        continue;
      }
      const cp = String.fromCodePoint(pattern.codePointAt(i)!);
      i += cp.length;
      if (cp === '-' && pattern[i] !== ']' && body !== '') {
        body += '-';
        continue;
      }
      // Case-insensitive ranges: add the other case of letter ranges.
      if (flags.i && pattern[i] === '-' && pattern[i + 1] !== ']' && pattern[i + 1] !== undefined) {
        const hi = String.fromCodePoint(pattern.codePointAt(i + 1)!);
        if (hi !== '\\' && hi !== '[') {
          i += 1 + hi.length;
          if (hi.codePointAt(0)! < cp.codePointAt(0)!) err(`invalid character class range: \`${cp}-${hi}\``);
          body += `${escapeClassChar(cp)}-${escapeClassChar(hi)}`;
          const lo2 = cp.toLowerCase();
          const hi2 = hi.toLowerCase();
          const lo3 = cp.toUpperCase();
          const hi3 = hi.toUpperCase();
          if (lo2 !== cp || hi2 !== hi) body += `${escapeClassChar(lo2)}-${escapeClassChar(hi2)}`;
          if (lo3 !== cp || hi3 !== hi) body += `${escapeClassChar(lo3)}-${escapeClassChar(hi3)}`;
          continue;
        }
      }
      body += caseFold(cp, flags, true);
    }
    if (neg) return `[^${body}]`;
    return body === '' ? '[^\\s\\S]' : `[${body}]`;
  };

  while (i < pattern.length) {
    const ch = pattern[i]!;
    switch (ch) {
      case '\\':
        out += readEscape(false);
        lastAtomEnd = out.length;
        continue;
      case '[':
        out += readClass();
        lastAtomEnd = out.length;
        continue;
      case '(': {
        stack.push({ ...flags });
        if (pattern[i + 1] === '?') {
          const rest = pattern.slice(i + 2);
          const named = /^P?<([A-Za-z0-9_]+)>/.exec(rest);
          if (named) {
            groupNames.push(named[1]);
            out += `(?<${named[1]}>`;
            i += 2 + named[0].length;
            lastAtomEnd = -1;
            continue;
          }
          const fl = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
          if (!fl || (fl[1] === '' && fl[2] === undefined && fl[3] === ')')) {
            err(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
          }
          const set = (s: string, v: boolean): void => {
            for (const f of s) flags[f as keyof Flags] = v;
          };
          set(fl![1]!, true);
          if (fl![2] !== undefined) set(fl![2], false);
          i += 2 + fl![0].length;
          if (fl![3] === ')') {
            // Flags for the rest of the current group.
            stack.pop();
            continue;
          }
          out += '(?:';
          lastAtomEnd = -1;
          continue;
        }
        groupNames.push(undefined);
        out += '(';
        i++;
        lastAtomEnd = -1;
        continue;
      }
      case ')':
        if (stack.length === 0) err(`unexpected ): \`${pattern}\``);
        flags = stack.pop()!;
        out += ')';
        i++;
        lastAtomEnd = out.length;
        continue;
      case '.':
        out += flags.s ? '[\\s\\S]' : '[^\\n]';
        i++;
        lastAtomEnd = out.length;
        continue;
      case '^':
        out += flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])';
        i++;
        lastAtomEnd = -1;
        continue;
      case '$':
        out += flags.m ? '(?![^\\n])' : '(?![\\s\\S])';
        i++;
        lastAtomEnd = -1;
        continue;
      case '|':
        out += '|';
        i++;
        lastAtomEnd = -1;
        continue;
      case '*':
      case '+':
      case '?':
      case '{': {
        let q: string = ch;
        if (ch === '{') {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
          if (!m) {
            out += '\\{';
            i++;
            lastAtomEnd = out.length;
            continue;
          }
          if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000)) err(`invalid repeat count: \`${m[0]}\``);
          if (m[3] && Number(m[3]) < Number(m[1])) err(`invalid repeat count: \`${m[0]}\``);
          q = m[0];
        }
        if (lastAtomEnd !== out.length) err(`missing argument to repetition operator: \`${q}\``);
        i += q.length;
        let lazy = false;
        if (pattern[i] === '?') {
          lazy = true;
          i++;
        }
        if (flags.U) lazy = !lazy;
        out += q + (lazy ? '?' : '');
        if (pattern[i] !== undefined && '*+?'.includes(pattern[i]!))
          err(`invalid nested repetition operator: \`${q}${pattern[i]}\``);
        lastAtomEnd = -2; // a repeated atom cannot be repeated again
        continue;
      }
      default: {
        const cp = String.fromCodePoint(pattern.codePointAt(i)!);
        i += cp.length;
        out += caseFold(cp, flags, false);
        lastAtomEnd = out.length;
      }
    }
  }
  if (stack.length > 0) err(`missing closing ): \`${pattern}\``);
  return { source: out, flags: 'u', groupNames };
}

/** What the regex builtins need from a compiled pattern (RegExp or the linear-time VM). */
export interface Matcher {
  lastIndex: number;
  exec(s: string): RegExpExecArray | null;
  test(s: string): boolean;
}

const cache = new Map<string, Matcher>();

/**
 * A compiled matcher for an RE2 pattern; cached. Patterns whose backtracking could explode
 * (nested repetition) run on the linear-time Pike VM, like RE2; the rest on JS RegExp.
 */
export function compileRe2(pattern: string): Matcher {
  let re = cache.get(pattern);
  if (re === undefined) {
    const t = translateRe2(pattern);
    try {
      const js = new RegExp(t.source, t.flags + 'g');
      re = needsLinearEngine(t.source) ? new PikeRegExp(t.source) : js;
    } catch (e) {
      throw new Re2Error(`error parsing regexp: ${(e as Error).message}`);
    }
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  re.lastIndex = 0;
  return re;
}

/** All matches (up to n; n < 0 means all), like Go's FindAllStringSubmatch. */
export function findAll(re: Matcher, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  let prevEnd = -1;
  while (n < 0 || out.length < n) {
    const m = re.exec(s);
    if (!m) break;
    if (m[0] === '') {
      // Go skips an empty match right after the previous match.
      if (m.index === prevEnd) {
        if (m.index >= s.length) break;
        re.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
        continue;
      }
      re.lastIndex = m.index + (m.index < s.length && s.codePointAt(m.index)! > 0xffff ? 2 : 1);
    }
    prevEnd = m.index + m[0].length;
    out.push(m);
    if (m.index >= s.length) break;
  }
  return out;
}

/**
 * Expands a Go replacement template (`$1`, `${1}`, `${name}`, `$$`). `$name` takes the longest
 * run of word characters, so `$1x` names group "1x" (empty), unlike JS.
 */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    if (template[i + 1] === '{') {
      const end = template.indexOf('}', i + 2);
      const inner = end < 0 ? '' : template.slice(i + 2, end);
      if (end < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += '$';
        continue;
      }
      name = inner;
      i = end;
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!mm) {
        out += '$';
        continue;
      }
      name = mm[0];
      i += name.length;
    }
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}
