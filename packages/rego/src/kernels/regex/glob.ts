/**
 * gobwas/glob patterns (OPA `glob.match`): `*` (within a segment), `**` (across delimiters),
 * `?`, `[abc]`, `[!a-z]`, `{a,b}` alternatives and `\` escapes, anchored to the whole input.
 * Translated to RE2 syntax and matched by re2js in linear time: gobwas/glob has no JS port, and
 * a backtracking translation would be polynomial of high degree in the number of stars.
 */
import { RE2JS } from 're2js';

/** A malformed glob pattern. */
export class GlobError extends Error {}

// RE2 takes any escaped ASCII punctuation as the literal character, in and outside classes.
function esc(ch: string): string {
  return /[!-/:-@[-`{-~]/.test(ch) ? '\\' + ch : ch;
}

/** Translates a glob to a RegExp source with the given single-character delimiters. */
function globToRegExpSource(pattern: string, delimiters: string[]): string {
  const notSep = delimiters.length === 0 ? '(?s:.)' : `[^${delimiters.map(esc).join('')}]`;
  const cps = Array.from(pattern);
  let i = 0;
  let depth = 0;
  let out = '';
  while (i < cps.length) {
    const c = cps[i]!;
    if (c === '*') {
      if (cps[i + 1] === '*') {
        out += '(?s:.)*';
        while (cps[i] === '*') i++;
      } else {
        out += notSep + '*';
        i++;
      }
    } else if (c === '?') {
      out += notSep;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= cps.length) throw new GlobError('unexpected end of input');
      out += esc(cps[i + 1]!);
      i += 2;
    } else if (c === '[') {
      i++;
      let neg = false;
      if (cps[i] === '!') {
        neg = true;
        i++;
      }
      let body = '';
      let closed = false;
      while (i < cps.length) {
        const d = cps[i]!;
        if (d === ']') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < cps.length) {
          body += esc(cps[i + 1]!);
          i += 2;
          continue;
        }
        if (cps[i + 1] === '-' && cps[i + 2] !== undefined && cps[i + 2] !== ']') {
          const hi = cps[i + 2]!;
          if (hi.codePointAt(0)! < d.codePointAt(0)!) throw new GlobError('invalid range');
          body += `${esc(d)}-${esc(hi)}`;
          i += 3;
          continue;
        }
        body += esc(d);
        i++;
      }
      if (!closed || body === '') throw new GlobError('unexpected end of input');
      out += neg ? `[^${body}]` : `[${body}]`;
    } else if (c === '{') {
      depth++;
      out += '(?:';
      i++;
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
      i++;
    } else if (c === ',' && depth > 0) {
      out += '|';
      i++;
    } else {
      out += esc(c);
      i++;
    }
  }
  if (depth > 0) throw new GlobError('unexpected end of input');
  return `\\A(?:${out})\\z`;
}

const cache = new Map<string, RE2JS>();

/** Compiles (and caches) a glob matcher. */
export function compileGlob(pattern: string, delimiters: string[]): { testExact(s: string): boolean } {
  const key = delimiters.join('\u0000') + '\u0001' + pattern;
  let re = cache.get(key);
  if (!re) {
    re = RE2JS.compile(globToRegExpSource(pattern, delimiters));
    if (pattern.length <= 4096) {
      if (cache.size >= 500) cache.clear();
      cache.set(key, re);
    }
  }
  return re;
}

/** Escapes glob metacharacters (`* ? \ [ ] { }`), like gobwas `glob.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[*?\\[\]{}]/g, (c) => '\\' + c);
}
