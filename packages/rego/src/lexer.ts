// Tokenizer for Rego source. Keywords are lexed as identifiers: whether `if`, `in`,
// `contains` or `every` are keywords depends on the module's Rego version and imports,
// which only the parser knows.

/** Token kinds. */
export type TokenKind = 'ident' | 'number' | 'string' | 'template' | 'op' | 'eof';

/** A lexical token. */
export interface Token {
  kind: TokenKind;
  /** Identifier name, operator text, number text, or decoded string value. */
  text: string;
  /** Offset of the first character. */
  pos: number;
  line: number;
  col: number;
  /** Offset just after the token. */
  end: number;
  /** A newline separates this token from the previous one. */
  nl: boolean;
  /** Whitespace (or a comment) separates this token from the previous one. */
  ws: boolean;
  /** Template strings: raw body (between the quotes) and its start offset. */
  raw?: string;
  rawPos?: number;
  multiline?: boolean;
}

/** Raised by the lexer; the parser converts it to a RegoParseError. */
export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const OPS2 = new Set([':=', '==', '!=', '<=', '>=']);
const OPS1 = new Set([
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '.',
  ',',
  ';',
  ':',
  '|',
  '&',
  '+',
  '-',
  '*',
  '/',
  '%',
  '=',
  '<',
  '>',
]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A `#` comment: its line and text after the `#`. */
export interface Comment {
  line: number;
  text: string;
  /** Nothing but whitespace precedes it on its line. */
  ownLine: boolean;
}

/** Tokenizes a whole source text; comments are appended to `comments` when given. */
export function tokenize(src: string, comments?: Comment[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let nl = false;
  let ws = false;
  const n = src.length;
  // A byte-order mark (editors on Windows write one) is skipped, as OPA's scanner does.
  if (src.charCodeAt(0) === 0xfeff) i = 1;
  let start = 0;
  let col = 0;
  // One closure for the whole scan (not one per token).
  const push = (kind: TokenKind, text: string, extra?: Partial<Token>): void => {
    const tok: Token = { kind, text, pos: start, line, col, end: i, nl, ws };
    if (extra) Object.assign(tok, extra);
    out.push(tok);
    nl = false;
    ws = false;
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 10) {
      i++;
      line++;
      lineStart = i;
      nl = true;
      ws = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      ws = true;
      continue;
    }
    if (c === 35) {
      const from = i;
      while (i < n && src.charCodeAt(i) !== 10) i++;
      if (comments)
        comments.push({
          line,
          text: src.slice(from + 1, src.charCodeAt(i - 1) === 13 ? i - 1 : i),
          ownLine: src.slice(lineStart, from).trim() === '',
        });
      ws = true;
      continue;
    }
    start = i;
    col = i - lineStart + 1;
    if (isIdentStart(c)) {
      i++;
      while (i < n && isIdentPart(src.charCodeAt(i))) i++;
      push('ident', src.slice(start, i));
      continue;
    }
    if (isDigit(c)) {
      i++;
      while (i < n && isDigit(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(src.charCodeAt(i))) i++;
      }
      const e = src.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        const s = src.charCodeAt(j);
        if (s === 43 || s === 45) j++;
        if (isDigit(src.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(src.charCodeAt(i))) i++;
        }
      }
      if (i < n && isIdentStart(src.charCodeAt(i))) throw new LexError('illegal number format', start);
      push('number', src.slice(start, i));
      continue;
    }
    if (c === 34) {
      const [value, endPos] = readString(src, i);
      i = endPos;
      push('string', value);
      continue;
    }
    if (c === 96) {
      const close = src.indexOf('`', i + 1);
      if (close < 0) throw new LexError('non-terminated raw string', start);
      const value = src.slice(i + 1, close);
      i = close + 1;
      push('string', value);
      for (let k = start + 1; k < close; k++) {
        if (src.charCodeAt(k) === 10) {
          line++;
          lineStart = k + 1;
        }
      }
      continue;
    }
    if (c === 36 && (src.charCodeAt(i + 1) === 34 || src.charCodeAt(i + 1) === 96)) {
      const multiline = src.charCodeAt(i + 1) === 96;
      const quote = multiline ? 96 : 34;
      const tokLine = line;
      let j = i + 2;
      let depth = 0;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (depth === 0 && d === quote) break;
        if (d === 92 && depth === 0) {
          j += 2;
          continue;
        }
        if (d === 10) {
          if (!multiline && depth === 0) throw new LexError('non-terminated string', start);
          line++;
          lineStart = j + 1;
        }
        if (d === 123) depth++;
        else if (d === 125 && depth > 0) depth--;
        else if (depth > 0 && (d === 34 || d === 96)) {
          // Skip strings nested in template expressions.
          if (d === 34) j = readString(src, j)[1] - 1;
          else {
            const k = src.indexOf('`', j + 1);
            if (k < 0) throw new LexError('non-terminated raw string', j);
            j = k;
          }
        }
        j++;
      }
      if (j >= n) throw new LexError('non-terminated string', start);
      const raw = src.slice(i + 2, j);
      i = j + 1;
      push('template', '', { raw, rawPos: start + 2, multiline, line: tokLine });
      continue;
    }
    const two = src.charCodeAt(i + 1) === 61 ? src.slice(i, i + 2) : '';
    if (two !== '' && OPS2.has(two)) {
      i += 2;
      push('op', two);
      continue;
    }
    const one = src[i]!;
    if (OPS1.has(one)) {
      i++;
      push('op', one);
      continue;
    }
    if (one === '!') throw new LexError('unexpected ! character', start);
    throw new LexError(`illegal token ${JSON.stringify(one)}`, start);
  }
  out.push({ kind: 'eof', text: '', pos: n, line, col: n - lineStart + 1, end: n, nl: true, ws: true });
  return out;
}

/** Reads a double-quoted string starting at `start`; returns the decoded value and end offset. */
export function readString(src: string, start: number): [string, number] {
  let i = start + 1;
  let out = '';
  let chunk = i;
  const n = src.length;
  for (;;) {
    if (i >= n) throw new LexError('non-terminated string', start);
    const c = src.charCodeAt(i);
    if (c === 34) break;
    if (c === 10) throw new LexError('non-terminated string', start);
    if (c === 92) {
      out += src.slice(chunk, i);
      const e = src[i + 1];
      i += 2;
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = src.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new LexError('illegal unicode escape', i - 2);
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default:
          throw new LexError(`illegal escape sequence \\${e ?? ''}`, i - 2);
      }
      chunk = i;
      continue;
    }
    i++;
  }
  out += src.slice(chunk, i);
  return [out, i + 1];
}
