/**
 * gobwas/glob patterns (OPA `glob.match`): `*` (within a segment), `**` (across delimiters),
 * `?`, `[abc]`, `[!a-z]`, `{a,b}` alternatives and `\` escapes, anchored to the whole input.
 * Compiled to a JS RegExp over code points.
 */
import { PikeRegExp } from './pike-vm.js';

/** A malformed glob pattern. */
export class GlobError extends Error {}

// Outside a class `-` is literal, and escaping it is an error under the `u` flag.
function esc(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? '\\' + ch : ch;
}

// Inside a class `-` must be escaped (syntax characters may be).
function escClass(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? '\\' + ch : ch;
}

/** Translates a glob to a RegExp source with the given single-character delimiters. */
function globToRegExpSource(pattern: string, delimiters: string[]): string {
  const notSep = delimiters.length === 0 ? '[\\s\\S]' : `[^${delimiters.map(escClass).join('')}]`;
  const cps = Array.from(pattern);
  let i = 0;
  let depth = 0;
  let out = '';
  while (i < cps.length) {
    const c = cps[i]!;
    if (c === '*') {
      if (cps[i + 1] === '*') {
        out += '[\\s\\S]*';
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
          body += escClass(cps[i + 1]!);
          i += 2;
          continue;
        }
        if (cps[i + 1] === '-' && cps[i + 2] !== undefined && cps[i + 2] !== ']') {
          const hi = cps[i + 2]!;
          if (hi.codePointAt(0)! < d.codePointAt(0)!) throw new GlobError('invalid range');
          body += `${escClass(d)}-${escClass(hi)}`;
          i += 3;
          continue;
        }
        body += escClass(d);
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
  // Anchors in the lookaround form the Pike VM understands (see pike-vm.ts).
  return `(?<![\\s\\S])(?:${out})(?![\\s\\S])`;
}

const cache = new Map<string, { test(s: string): boolean }>();

/**
 * Compiles (and caches) a glob matcher. Several wildcards make backtracking polynomial of high
 * degree, so such patterns run on the linear-time Pike VM.
 */
export function compileGlob(pattern: string, delimiters: string[]): { test(s: string): boolean } {
  const key = delimiters.join('\u0000') + '\u0001' + pattern;
  let re = cache.get(key);
  if (!re) {
    const source = globToRegExpSource(pattern, delimiters);
    const stars = (pattern.match(/\*/g) ?? []).length;
    re = stars > 2 ? new PikeRegExp(source) : new RegExp(source, 'u');
    if (cache.size > 500) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Escapes glob metacharacters (`* ? \ [ ] { }`), like gobwas `glob.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[*?\\[\]{}]/g, (c) => '\\' + c);
}
