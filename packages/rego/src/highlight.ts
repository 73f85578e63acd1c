// Syntax highlighting on top of the lexer (lexer.ts), for editors: the same tokens the parser sees, classified for a
// reader, plus the whitespace and comments between them. It never throws: where the lexer gives up (a half-typed
// string, a stray character) the rest of that piece becomes one token and lexing resumes after it, so concatenating
// the token texts always gives back the source exactly.
import { LexError, tokenize as lex, type Token as LexToken } from './lexer.js';

/** What a piece of source is, for colouring. */
export type HighlightKind =
  | 'comment'
  | 'string'
  | 'number'
  | 'keyword'
  | 'constant'
  | 'rule'
  | 'function'
  | 'root'
  | 'operator'
  | 'punct'
  | 'ident'
  | 'space';

/** A piece of source text and its kind. */
export interface HighlightToken {
  kind: HighlightKind;
  text: string;
}

const KEYWORDS = new Set([
  'package',
  'import',
  'default',
  'not',
  'some',
  'every',
  'in',
  'if',
  'contains',
  'else',
  'with',
  'as',
]);
const CONSTANTS = new Set(['true', 'false', 'null']);
const ROOTS = new Set(['input', 'data', 'future', 'rego']);
const OPERATORS = new Set([':=', '==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|']);
const NUMBER = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/;

/**
 * Splits Rego source into highlighted tokens. Total: any string (half-typed, invalid, binary) is accepted, and the
 * tokens' texts concatenated equal `source`. Rule heads are identifiers at the start of a line; a call such as
 * `time.clock(` is one `function` run (its dotted parts included); keywords, constants and roots after a `.` are
 * plain field names.
 */
export function highlight(source: string): HighlightToken[] {
  const out: HighlightToken[] = [];
  const push = (kind: HighlightKind, text: string) => {
    if (text === '') return;
    const last = out[out.length - 1];
    if (last && last.kind === 'space' && kind === 'space') last.text += text;
    else out.push({ kind, text });
  };
  let at = 0;
  while (at < source.length) {
    const { tokens, stop } = lexFrom(source, at);
    for (const token of tokens) {
      gap(source, at, token.pos, push);
      word(source, token, out, push);
      at = token.end;
    }
    gap(source, at, stop, push);
    at = stop;
    if (at < source.length) at = recover(source, at, push);
  }
  return out;
}

/** Lexes from `from` until the end or the first lexer error; `stop` is where the tokens end (the error's place). */
function lexFrom(source: string, from: number): { tokens: LexToken[]; stop: number } {
  try {
    const tokens = lex(from === 0 ? source : source.slice(from));
    for (const t of tokens) {
      t.pos += from;
      t.end += from;
    }
    return { tokens: tokens.filter((t) => t.kind !== 'eof'), stop: source.length };
  } catch (err) {
    if (!(err instanceof LexError)) throw err;
    const stop = from + err.pos;
    if (stop <= from) return { tokens: [], stop: from };
    // The prefix lexes as far as the lexer got. An error inside a token (a bad escape in a string) leaves that
    // token unterminated in the prefix: the prefix then stops at the token's start.
    return lexFrom(source.slice(0, stop), from);
  }
}

/** Whitespace and comments between two tokens. */
function gap(source: string, from: number, to: number, push: (kind: HighlightKind, text: string) => void) {
  let i = from;
  while (i < to) {
    if (source[i] === '#') {
      const nl = source.indexOf('\n', i);
      const end = nl === -1 || nl > to ? to : nl;
      push('comment', source.slice(i, end));
      i = end;
      continue;
    }
    const hash = source.indexOf('#', i);
    const end = hash === -1 || hash > to ? to : hash;
    push('space', source.slice(i, end));
    i = end;
  }
}

/** What the lexer refused at `at`: the broken piece as one token; returns where lexing resumes. */
function recover(source: string, at: number, push: (kind: HighlightKind, text: string) => void): number {
  const c = source[at]!;
  let end = at + 1;
  if (c === '"' || (c === '$' && source[at + 1] === '"')) {
    // An unterminated (or badly escaped) string runs to its closing quote or the end of its line.
    let j = at + (c === '$' ? 2 : 1);
    while (j < source.length && source[j] !== '"' && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
    end = Math.min(source[j] === '"' ? j + 1 : j, source.length);
    push('string', source.slice(at, end));
    return end;
  }
  if (c === '`' || (c === '$' && source[at + 1] === '`')) {
    const close = source.indexOf('`', at + (c === '$' ? 2 : 1));
    end = close === -1 ? source.length : close + 1;
    push('string', source.slice(at, end));
    return end;
  }
  const number = NUMBER.exec(source.slice(at, at + 400));
  if (number) {
    push('number', number[0]);
    return at + number[0].length;
  }
  push('punct', source.slice(at, end));
  return end;
}

function word(
  source: string,
  token: LexToken,
  out: HighlightToken[],
  push: (kind: HighlightKind, text: string) => void,
) {
  const text = source.slice(token.pos, token.end);
  if (token.kind === 'string' || token.kind === 'template') return push('string', text);
  if (token.kind === 'number') return push('number', text);
  if (token.kind === 'op') return push(OPERATORS.has(text) ? 'operator' : 'punct', text);
  const prev = out[out.length - 1];
  const afterDot = prev?.kind === 'punct' && prev.text === '.';
  let kind: HighlightKind = 'ident';
  if (!afterDot && KEYWORDS.has(text)) kind = 'keyword';
  else if (!afterDot && CONSTANTS.has(text)) kind = 'constant';
  else if (!afterDot && ROOTS.has(text)) kind = 'root';
  else if (token.pos === 0 || source[token.pos - 1] === '\n') kind = 'rule';
  else if (/^\s*\(/.test(source.slice(token.end, token.end + 40))) kind = 'function';
  // `time.clock(` highlights as one function call: the namespace part joins the call.
  if (kind === 'function' && afterDot) {
    let k = out.length - 1;
    while (k >= 1 && out[k]!.kind === 'punct' && out[k]!.text === '.' && out[k - 1]!.kind === 'ident') {
      out[k - 1]!.kind = 'function';
      out[k]!.kind = 'function';
      k -= 2;
    }
  }
  out.push({ kind, text });
}
