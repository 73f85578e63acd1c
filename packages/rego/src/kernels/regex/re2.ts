/**
 * Go `regexp` (RE2 syntax and semantics) for OPA's `regex.*` builtins, on re2js: a port of
 * Go's regexp that matches in time linear in the input, so no pattern can hang evaluation.
 * What is ours is only what Go's API does on top of matching: `FindAll`'s rule for empty
 * matches, `Split`, and `Expand`'s `$name` templates.
 */
import { RE2JS, RE2JSException } from 're2js';

/** An invalid pattern, with Go's message (`error parsing regexp: …`). */
export class Re2Error extends Error {}

/** A compiled pattern. */
export type Regexp = RE2JS;

/** One match: `[start, end]` of the whole match and of each group (-1 when it did not take part). */
export interface Match {
  readonly spans: number[];
  readonly input: string;
}

const cache = new Map<string, Regexp>();
const CACHE_ENTRIES = 500;
const CACHED_PATTERN_CHARS = 4096;

/** Compiles (and caches) an RE2 pattern; throws Re2Error when Go would reject it. */
export function compileRe2(pattern: string): Regexp {
  let re = cache.get(pattern);
  if (re === undefined) {
    try {
      re = RE2JS.compile(pattern);
    } catch (e) {
      if (e instanceof RE2JSException) throw new Re2Error(e.message);
      throw e;
    }
    if (pattern.length <= CACHED_PATTERN_CHARS) {
      if (cache.size >= CACHE_ENTRIES) cache.clear();
      cache.set(pattern, re);
    }
  }
  return re;
}

/** The text of group `g` of a match ('' when the group did not take part, as Go's API gives). */
export function group(m: Match, g: number): string {
  const a = m.spans[2 * g]!;
  return a < 0 ? '' : m.input.slice(a, m.spans[2 * g + 1]);
}

/**
 * Go's `FindAllStringSubmatchIndex(s, n)` (n < 0: all): leftmost-first matches, where an empty
 * match right after the previous match is skipped. `onMatch` runs between matches, so a caller
 * can check its budget.
 */
export function findAll(re: Regexp, s: string, n: number, onMatch?: () => void): Match[] {
  const out: Match[] = [];
  const groups = re.groupCount();
  const m = re.matcher(s);
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    if (!m.find(pos)) break;
    const start = m.start();
    const end = m.end();
    let accept = true;
    if (end === start) {
      if (start === prevEnd) accept = false;
      pos = start + (start < s.length && s.codePointAt(start)! > 0xffff ? 2 : 1);
    } else pos = end;
    prevEnd = end;
    if (!accept) continue;
    const spans: number[] = [start, end];
    for (let g = 1; g <= groups; g++) spans.push(m.start(g), m.end(g));
    out.push({ spans, input: s });
    onMatch?.();
  }
  return out;
}

/** Go's `Regexp.Split(s, -1)`. */
export function split(re: Regexp, s: string, onMatch?: () => void): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const { spans } of findAll(re, s, -1, onMatch)) {
    const [start, stop] = spans as [number, number];
    end = start;
    if (stop !== 0) out.push(s.slice(beg, end));
    beg = stop;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

/** Go's `Regexp.ReplaceAllString`: `$1`, `${1}`, `${name}` and `$$` in the template. */
export function replaceAll(re: Regexp, s: string, template: string, onMatch?: () => void): string {
  const names = re.namedGroups();
  let out = '';
  let last = 0;
  for (const m of findAll(re, s, -1, onMatch)) {
    out += s.slice(last, m.spans[0]) + expand(template, m, names);
    last = m.spans[1]!;
  }
  return out + s.slice(last);
}

/**
 * Go's `Regexp.Expand`. `$name` takes the longest run of word characters, so `$1x` names the
 * (absent, hence empty) group "1x", unlike JavaScript.
 */
function expand(template: string, m: Match, names: Record<string, number>): string {
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
      if (end < 0 || !/^\w+$/.test(inner)) {
        out += '$';
        continue;
      }
      name = inner;
      i = end;
    } else {
      let j = i + 1;
      while (j < template.length && isWordChar(template.charCodeAt(j))) j++;
      if (j === i + 1) {
        out += '$';
        continue;
      }
      name = template.slice(i + 1, j);
      i = j - 1;
    }
    const g = /^\d+$/.test(name) ? Number(name) : names[name];
    if (g !== undefined && 2 * g < m.spans.length) out += group(m, g);
  }
  return out;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Go's `regexp.QuoteMeta`. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, (c) => '\\' + c);
}
