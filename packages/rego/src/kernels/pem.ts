/**
 * PEM blocks (Go `encoding/pem`) found in linear time: a regular expression with a lazy body
 * and a back-reference to the type is quadratic on text with many unterminated headers.
 */

/** One `-----BEGIN type----- … -----END type-----` block. */
export interface PemBlock {
  type: string;
  /** The base64 body decoded (headers such as `Proc-Type:` are not interpreted). */
  der: Buffer;
  /** The whole block, BEGIN line to END line, as node:crypto accepts it. */
  text: string;
  /** Offset just after the END line. */
  end: number;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';

/** The type named at `at` (just after `-----BEGIN ` / `-----END `), on one line; undefined when malformed. */
function typeAt(text: string, at: number): { type: string; after: number } | undefined {
  const close = text.indexOf(DASHES, at);
  if (close < 0) return undefined;
  const type = text.slice(at, close);
  if (type.includes('\n')) return undefined;
  return { type, after: close + DASHES.length };
}

/** Every well-formed block of `text`, in order. */
export function pemBlocks(text: string): PemBlock[] {
  // One pass collects the END lines of each type, so finding a block's end is a lookup.
  const ends = new Map<string, Array<{ start: number; after: number }>>();
  for (let p = text.indexOf(END); p >= 0; p = text.indexOf(END, p + 1)) {
    const t = typeAt(text, p + END.length);
    if (!t) continue;
    let list = ends.get(t.type);
    if (!list) ends.set(t.type, (list = []));
    list.push({ start: p, after: t.after });
  }
  const next = new Map<string, number>();
  const out: PemBlock[] = [];
  for (let p = text.indexOf(BEGIN); p >= 0; p = text.indexOf(BEGIN, p + 1)) {
    const t = typeAt(text, p + BEGIN.length);
    const list = t && ends.get(t.type);
    if (!t || !list) continue;
    let i = next.get(t.type) ?? 0;
    while (i < list.length && list[i]!.start < t.after) i++;
    next.set(t.type, i);
    const e = list[i];
    if (!e) continue;
    let end = e.after;
    if (text[end] === '\r') end++;
    if (text[end] === '\n') end++;
    const body = text
      .slice(t.after, e.start)
      .split('\n')
      .filter((line) => !line.includes(':'))
      .join('')
      .replace(/\s+/g, '');
    out.push({ type: t.type, der: Buffer.from(body, 'base64'), text: text.slice(p, e.after), end });
    p = end - 1;
  }
  return out;
}
