// A small Rego tokenizer for syntax highlighting. It never fails: anything it does not recognise becomes plain
// text, so a half-typed policy still renders. Concatenating the token texts gives back the source exactly.

export type TokenKind =
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

export interface Token {
  kind: TokenKind;
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
const OPERATORS = [':=', '==', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '&', '|'];

function isIdentStart(c: string) {
  return /[A-Za-z_]/.test(c);
}
function isIdent(c: string) {
  return /[A-Za-z0-9_]/.test(c);
}

export function tokenize(source: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  // A rule head is an identifier at the start of a line (column 0), e.g. `allow if {`.
  let lineStart = true;
  const push = (kind: TokenKind, text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && (kind === 'space' || kind === 'ident')) last.text += text;
    else out.push({ kind, text });
  };

  while (i < source.length) {
    const c = source[i];
    if (c === '#') {
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      push('comment', source.slice(i, stop));
      i = stop;
      continue;
    }
    if (c === '\n') {
      push('space', c);
      i++;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      let j = i;
      while (j < source.length && (source[j] === ' ' || source[j] === '\t' || source[j] === '\r')) j++;
      push('space', source.slice(i, j));
      i = j;
      // Indented identifiers are not rule heads.
      lineStart = false;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"' && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      // Include the closing quote; an unterminated string ends before the newline.
      if (source[j] === '"') j++;
      j = Math.min(j, source.length);
      push('string', source.slice(i, j));
      i = j;
      lineStart = false;
      continue;
    }
    if (c === '`') {
      const end = source.indexOf('`', i + 1);
      const stop = end === -1 ? source.length : end + 1;
      push('string', source.slice(i, stop));
      i = stop;
      lineStart = false;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i));
      const text = m ? m[0] : c;
      push('number', text);
      i += text.length;
      lineStart = false;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i;
      while (j < source.length && isIdent(source[j])) j++;
      const word = source.slice(i, j);
      const prev = out[out.length - 1];
      const afterDot = prev?.kind === 'punct' && prev.text === '.';
      let kind: TokenKind = 'ident';
      if (!afterDot && KEYWORDS.has(word)) kind = 'keyword';
      else if (!afterDot && CONSTANTS.has(word)) kind = 'constant';
      else if (!afterDot && ROOTS.has(word)) kind = 'root';
      else if (lineStart) kind = 'rule';
      else if (/^\s*\(/.test(source.slice(j, j + 40))) kind = 'function';
      // `time.clock(` highlights as one function call: the namespace part joins the call.
      if (kind === 'function' && afterDot) {
        let k = out.length - 1;
        while (k >= 1 && out[k].kind === 'punct' && out[k].text === '.' && out[k - 1].kind === 'ident') {
          out[k - 1].kind = 'function';
          out[k].kind = 'function';
          k -= 2;
        }
      }
      out.push({ kind, text: word });
      i = j;
      lineStart = false;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      push('operator', op);
      i += op.length;
      lineStart = false;
      continue;
    }
    push('punct', c);
    i++;
    lineStart = false;
  }
  return out;
}
