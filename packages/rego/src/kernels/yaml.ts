/**
 * A compact YAML 1.2 reader and writer for `yaml.unmarshal`, `yaml.is_valid` and `yaml.marshal`.
 * Reads block mappings and sequences, flow collections, plain/quoted/block scalars, comments,
 * `---` document markers (first document only), anchors, aliases and `<<` merge keys; tags are
 * ignored rather than guessed. Writes the style of Go's sigs.k8s.io/yaml (sorted keys,
 * sequences at the parent's indentation).
 */

/** Malformed YAML. */
export class YamlError extends Error {}

/** A number kept as its text so the caller can build an exact number. */
export class YamlNumber {
  constructor(readonly text: string) {}
}

/** Parsed YAML: null, boolean, string, YamlNumber, arrays and plain objects (string keys). */
export type YamlValue = null | boolean | string | YamlNumber | YamlValue[] | { [k: string]: YamlValue };

interface Line {
  indent: number;
  text: string; // without indentation and trailing comment
  no: number;
}

function stripComment(s: string): string {
  let inS = false;
  let inD = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'" && !inD) inS = !inS;
    else if (c === '"' && !inS && s[i - 1] !== '\\') inD = !inD;
    else if (c === '#' && !inS && !inD && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t'))
      return s.slice(0, i);
  }
  return s;
}

/**
 * Resolves a plain scalar like go-yaml v2 (YAML 1.1), which OPA's yaml.unmarshal uses through
 * sigs.k8s.io/yaml: yes/no/on/off are booleans, integers may use 0x/0b/leading-0 octal and `_`.
 */
function resolvePlain(s: string): YamlValue {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (/^(y|Y|yes|Yes|YES|on|On|ON|true|True|TRUE)$/.test(s)) return true;
  if (/^(n|N|no|No|NO|off|Off|OFF|false|False|FALSE)$/.test(s)) return false;
  const int = /^([-+]?)(0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*)$/.exec(s);
  if (int) {
    const body = int[2]!.replaceAll('_', '');
    const v = /^0[0-7]+$/.test(body) ? BigInt('0o' + body.slice(1)) : BigInt(body);
    return new YamlNumber(((int[1] === '-' ? -v : v) as bigint).toString());
  }
  if (/^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$/.test(s)) {
    let t = s.replace(/^\+/, '').replaceAll('_', '');
    t = t.replace(/^(-?)\./, '$10.').replace(/\.(?=[eE]|$)/, '.0');
    return new YamlNumber(t);
  }
  return s;
}

class Parser {
  private lines: Line[] = [];
  private pos = 0;
  /** Anchored values (`&name`), for aliases (`*name`). */
  readonly anchors = new Map<string, YamlValue>();

  constructor(src: string) {
    const raw = src.replace(/\r\n?/g, '\n').split('\n');
    let started = false;
    for (let i = 0; i < raw.length; i++) {
      const l = raw[i]!;
      if (l.startsWith('%')) continue;
      if (/^---(\s|$)/.test(l)) {
        if (started) break;
        started = true;
        const rest = l.slice(3).trim();
        if (rest !== '' && !rest.startsWith('#')) this.lines.push({ indent: 0, text: rest, no: i + 1 });
        continue;
      }
      if (/^\.\.\.(\s|$)/.test(l)) break;
      if (l.includes('\t') && /^\s*\t/.test(l))
        throw new YamlError(`line ${i + 1}: found character that cannot start any token`);
      const text = stripComment(l).replace(/\s+$/, '');
      const indent = l.length - l.trimStart().length;
      this.lines.push({ indent, text: text.trimStart(), no: i + 1 });
      started = true;
    }
  }

  private skipBlank(): void {
    while (this.pos < this.lines.length && this.lines[this.pos]!.text === '') this.pos++;
  }

  parse(): YamlValue {
    this.skipBlank();
    if (this.pos >= this.lines.length) return null;
    const v = this.block(this.lines[this.pos]!.indent);
    this.skipBlank();
    if (this.pos < this.lines.length)
      throw new YamlError(`line ${this.lines[this.pos]!.no}: did not find expected key`);
    return v;
  }

  private block(indent: number): YamlValue {
    this.skipBlank();
    const line = this.lines[this.pos]!;
    if (line.text.startsWith('- ') || line.text === '-') return this.sequence(line.indent);
    if (this.isMapLine(line.text)) return this.mapping(line.indent);
    // A multi-line scalar or flow collection.
    let text = line.text;
    this.pos++;
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.text !== '' && l.indent < indent) break;
      if (l.text !== '' && l.indent <= indent && (this.isMapLine(l.text) || l.text.startsWith('- '))) break;
      text += l.text === '' ? '\n' : ' ' + l.text;
      this.pos++;
    }
    return this.inlineValue(text.trim(), line.no);
  }

  private isMapLine(t: string): boolean {
    return this.splitKey(t) !== undefined;
  }

  // Splits "key: value" → [key, rest]; undefined when the line is not a mapping entry.
  private splitKey(t: string): [string, string] | undefined {
    if (t.startsWith('"') || t.startsWith("'")) {
      const q = t[0]!;
      let i = 1;
      while (i < t.length) {
        if (t[i] === '\\' && q === '"') i += 2;
        else if (t[i] === q && q === "'" && t[i + 1] === "'") i += 2;
        else if (t[i] === q) break;
        else i++;
      }
      const after = t.slice(i + 1);
      const m = /^\s*:(\s|$)/.exec(after);
      if (!m) return undefined;
      return [t.slice(0, i + 1), after.slice(m[0].length).trim()];
    }
    if (t.startsWith('[') || t.startsWith('{')) return undefined;
    const m = /^([^#]*?)\s*:(\s+|$)/.exec(t);
    if (!m || m[1] === '') return undefined;
    return [m[1]!, t.slice(m[0].length).trim()];
  }

  private keyOf(k: string, no: number): string {
    const v = this.inlineValue(k, no);
    if (v === null) return 'null';
    if (v instanceof YamlNumber) return v.text;
    if (typeof v === 'object') throw new YamlError(`line ${no}: invalid map key`);
    return String(v);
  }

  private mapping(indent: number): YamlValue {
    const out: { [k: string]: YamlValue } = {};
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.lines.length) break;
      const line = this.lines[this.pos]!;
      if (line.indent < indent) break;
      if (line.indent > indent)
        throw new YamlError(`line ${line.no}: mapping values are not allowed in this context`);
      const kv = this.splitKey(line.text);
      if (!kv) throw new YamlError(`line ${line.no}: could not find expected ':'`);
      const key = this.keyOf(kv[0], line.no);
      this.pos++;
      const value = this.valueAfter(kv[1], indent, line.no, true);
      if (key === '<<' && kv[0] === '<<') {
        // YAML 1.1 merge key (go-yaml v2): entries of the merged map(s) that are not set here.
        for (const m of Array.isArray(value) ? value : [value]) {
          if (m === null || typeof m !== 'object' || Array.isArray(m) || m instanceof YamlNumber) {
            throw new YamlError(`line ${line.no}: map merge requires map or sequence of maps as the value`);
          }
          for (const [k, v] of Object.entries(m)) if (!(k in out)) out[k] = v;
        }
        continue;
      }
      out[key] = value;
    }
    return out;
  }

  private sequence(indent: number): YamlValue {
    const out: YamlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.lines.length) break;
      const line = this.lines[this.pos]!;
      if (line.indent < indent) break;
      if (line.indent > indent) throw new YamlError(`line ${line.no}: bad indentation of a sequence entry`);
      if (!(line.text.startsWith('- ') || line.text === '-')) break;
      const rest = line.text.slice(1).trimStart();
      const childIndent = indent + (line.text.length - rest.length);
      if (rest !== '' && (rest.startsWith('- ') || this.isMapLine(rest))) {
        // A nested block starting on the dash line: re-read it as its own line.
        this.lines[this.pos] = { indent: childIndent, text: rest, no: line.no };
        out.push(this.block(childIndent));
        continue;
      }
      this.pos++;
      out.push(this.valueAfter(rest, indent, line.no, false));
    }
    return out;
  }

  // The value of a "key:" or "-" entry whose inline remainder is `rest`.
  private valueAfter(rest: string, indent: number, no: number, inMap: boolean): YamlValue {
    const anchor = /^&([^\s,[\]{}]+)\s*/.exec(rest);
    if (anchor) {
      const v = this.valueAfter(rest.slice(anchor[0].length), indent, no, inMap);
      this.anchors.set(anchor[1]!, v);
      return v;
    }
    const tag = /^!\S*\s*/.exec(rest);
    if (tag) {
      rest = rest.slice(tag[0].length);
      // `!!str` keeps a plain scalar as text; other tags are ignored.
      if (tag[0].trim() === '!!str' && rest !== '' && !/^["'[{|>]/.test(rest)) return rest;
    }
    if (rest === '') {
      this.skipBlank();
      const next = this.lines[this.pos];
      if (!next) return null;
      const seqSameIndent =
        inMap && next.indent === indent && (next.text.startsWith('- ') || next.text === '-');
      if (next.indent > indent || seqSameIndent) return this.block(next.indent);
      return null;
    }
    if (rest === '|' || rest === '>' || /^[|>][-+]?\d?$/.test(rest)) return this.blockScalar(rest, indent);
    // Plain scalars may continue on more-indented lines.
    let text = rest;
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.text === '' || l.indent <= indent) break;
      text += ' ' + l.text;
      this.pos++;
    }
    return this.inlineValue(text, no);
  }

  private blockScalar(header: string, indent: number): string {
    const folded = header[0] === '>';
    const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
    const raw: string[] = [];
    let blockIndent = -1;
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.text !== '' && l.indent <= indent) break;
      if (l.text !== '' && blockIndent < 0) blockIndent = l.indent;
      raw.push(l.text === '' ? '' : ' '.repeat(l.indent - blockIndent) + l.text);
      this.pos++;
    }
    let body: string;
    if (folded) {
      body = '';
      for (let i = 0; i < raw.length; i++) {
        const cur = raw[i]!;
        if (i > 0) body += raw[i - 1] === '' || cur === '' || cur.startsWith(' ') ? '\n' : ' ';
        body += cur;
      }
      body = body.replace(/\n /g, '\n ');
    } else body = raw.join('\n');
    const trimmed = body.replace(/\n+$/, '');
    if (chomp === 'strip') return trimmed;
    if (chomp === 'keep') return body + '\n';
    return trimmed === '' ? '' : trimmed + '\n';
  }

  inlineValue(s: string, no: number): YamlValue {
    const f = new FlowReader(s, no, this.anchors);
    const v = f.value();
    f.end();
    return v;
  }
}

class FlowReader {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly no: number,
    private readonly anchors: Map<string, YamlValue>,
  ) {}

  private fail(msg: string): never {
    throw new YamlError(`line ${this.no}: ${msg}`);
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  end(): void {
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected characters after value: ${this.s.slice(this.i)}`);
  }

  value(inFlow = false): YamlValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '[') return this.seq();
    if (c === '{') return this.map();
    if (c === '"') return this.dquote();
    if (c === "'") return this.squote();
    if (c === '*' || c === '&') {
      const m = /^[*&]([^\s,[\]{}]+)\s*/.exec(this.s.slice(this.i))!;
      if (!m) this.fail('did not find expected alphabetic or numeric character');
      this.i += m[0].length;
      if (c === '*') {
        if (!this.anchors.has(m[1]!)) this.fail(`unknown anchor '${m[1]}' referenced`);
        return this.anchors.get(m[1]!)!;
      }
      const v = this.value(inFlow);
      this.anchors.set(m[1]!, v);
      return v;
    }
    if (c === '!') {
      const m = /^!\S*\s*/.exec(this.s.slice(this.i))!;
      this.i += m[0].length;
      return this.value(inFlow);
    }
    if (c === ']' || c === '}') this.fail(`did not find expected node content`);
    if (c === '@' || c === '`') this.fail(`found character that cannot start any token`);
    const stop = inFlow ? /[,\]}]/ : /$^/;
    let j = this.i;
    while (j < this.s.length && !stop.test(this.s[j]!)) {
      if (this.s[j] === ':' && (j + 1 >= this.s.length || /[\s,\]}]/.test(this.s[j + 1]!)) && inFlow) break;
      if (!inFlow && this.s[j] === ':' && (j + 1 >= this.s.length || this.s[j + 1] === ' ')) {
        this.fail('mapping values are not allowed in this context');
      }
      j++;
    }
    const text = this.s.slice(this.i, j).trim();
    this.i = j;
    return resolvePlain(text);
  }

  private seq(): YamlValue[] {
    this.i++;
    const out: YamlValue[] = [];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) this.fail("did not find expected ',' or ']'");
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.value(true));
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== ']') this.fail("did not find expected ',' or ']'");
    }
  }

  private map(): { [k: string]: YamlValue } {
    this.i++;
    const out: { [k: string]: YamlValue } = {};
    for (;;) {
      this.ws();
      if (this.i >= this.s.length) this.fail("did not find expected ',' or '}'");
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value(true);
      this.ws();
      let v: YamlValue = null;
      if (this.s[this.i] === ':') {
        this.i++;
        v = this.value(true);
      }
      const key =
        k === null
          ? 'null'
          : k instanceof YamlNumber
            ? k.text
            : typeof k === 'object'
              ? this.fail('invalid map key')
              : String(k);
      out[key] = v;
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail("did not find expected ',' or '}'");
    }
  }

  private dquote(): string {
    let j = this.i + 1;
    let out = '';
    const esc: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '"': '"',
      '\\': '\\',
      '/': '/',
      '0': '\0',
      b: '\b',
      f: '\f',
      ' ': ' ',
      e: '\x1b',
      a: '\x07',
      v: '\v',
    };
    while (j < this.s.length && this.s[j] !== '"') {
      if (this.s[j] === '\\') {
        const c = this.s[j + 1]!;
        if (c === 'x' || c === 'u' || c === 'U') {
          const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
          const hex = this.s.slice(j + 2, j + 2 + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) this.fail('invalid escape');
          out += String.fromCodePoint(parseInt(hex, 16));
          j += 2 + n;
          continue;
        }
        if (esc[c] === undefined) this.fail('found unknown escape character while parsing a quoted scalar');
        out += esc[c];
        j += 2;
        continue;
      }
      out += this.s[j];
      j++;
    }
    if (j >= this.s.length) this.fail('found unexpected end of stream while scanning a quoted scalar');
    this.i = j + 1;
    return out;
  }

  private squote(): string {
    let j = this.i + 1;
    let out = '';
    for (;;) {
      if (j >= this.s.length) this.fail('found unexpected end of stream while scanning a quoted scalar');
      if (this.s[j] === "'") {
        if (this.s[j + 1] === "'") {
          out += "'";
          j += 2;
          continue;
        }
        break;
      }
      out += this.s[j];
      j++;
    }
    this.i = j + 1;
    return out;
  }
}

/** Parses the first YAML document. */
export function parseYaml(src: string): YamlValue {
  return new Parser(src).parse();
}

/** Quotes a string when a plain scalar would read back differently. */
function scalarText(s: string): string {
  const plainOk =
    s !== '' &&
    !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) &&
    !/[:#]\s|\s$|:$|\n/.test(s) &&
    typeof resolvePlain(s) === 'string' &&
    !/^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/.test(s);
  if (plainOk) return s;
  return JSON.stringify(s);
}

/** A writer input: the same shapes as YamlValue (numbers as YamlNumber text). */
export function stringifyYaml(v: YamlValue): string {
  const out: string[] = [];
  const emit = (x: YamlValue, indent: number, ctx: 'top' | 'map' | 'seq'): void => {
    const pad = ' '.repeat(indent);
    if (Array.isArray(x)) {
      if (x.length === 0) {
        out[out.length - 1] += ' []';
        return;
      }
      for (const e of x) {
        if (
          e !== null &&
          typeof e === 'object' &&
          !(e instanceof YamlNumber) &&
          (Array.isArray(e) ? e.length : Object.keys(e).length)
        ) {
          out.push(`${pad}-`);
          const start = out.length;
          emit(e, indent + 2, 'seq');
          // Put the first nested line on the dash line.
          out[start - 1] = `${pad}- ${out[start]!.trimStart()}`;
          out.splice(start, 1);
        } else {
          out.push(`${pad}-`);
          emit(e, indent + 2, 'seq');
        }
      }
      return;
    }
    if (x !== null && typeof x === 'object' && !(x instanceof YamlNumber)) {
      const keys = Object.keys(x).sort();
      if (keys.length === 0) {
        out[out.length - 1] += ' {}';
        return;
      }
      for (const k of keys) {
        out.push(`${pad}${scalarText(k)}:`);
        const val = x[k]!;
        const nestedSeq = Array.isArray(val) && val.length > 0;
        emit(val, nestedSeq ? indent : indent + 2, 'map');
      }
      return;
    }
    const text =
      x === null
        ? 'null'
        : x instanceof YamlNumber
          ? x.text
          : typeof x === 'boolean'
            ? String(x)
            : scalarText(x);
    if (ctx === 'top') out.push(text);
    else out[out.length - 1] += ' ' + text;
  };
  if (v !== null && typeof v === 'object' && !(v instanceof YamlNumber)) {
    if (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)
      return Array.isArray(v) ? '[]\n' : '{}\n';
    out.push('');
    emit(v, 0, 'top');
    out.shift();
  } else emit(v, 0, 'top');
  return out.join('\n') + '\n';
}
