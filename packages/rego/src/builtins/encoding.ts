// Encoding builtins (OPA `encoding.go`): json.*, base64*, hex.*, urlquery.* (yaml.* is yaml.ts).
// JSON is parsed here rather than with JSON.parse so that numbers keep their exact value.
import { numberFromText } from '../number.js';
import { ObjectValue, SetValue, toJSON, type Value } from '../value.js';
import { checkSchema, SchemaError, validateSchema, type Json } from '../kernels/json-schema.js';
import { boundedJsonMarshal, jsonMarshal, jsonMarshalIndent, regoText } from '../format.js';
import {
  BuiltinError,
  OperandTypeError,
  expectObject,
  expectString,
  operandError,
  type BuiltinContext,
  type BuiltinDef,
} from './registry.js';

/** A JSON syntax error. */
class JsonSyntaxError extends Error {}

/** What parsing charges: the evaluation's budget (see registry.ts). */
type ParseBudget = Pick<BuiltinContext, 'allocate' | 'checkTime'>;

/** Bytes charged per parsed value, beyond the characters of its strings. */
const BYTES_PER_VALUE = 32;

/**
 * Parses JSON text into a Rego value with exact numbers. Throws JsonSyntaxError. Nesting is
 * limited to Go's 10000 levels; the budget is charged every few thousand values.
 */
export function parseJSON(text: string, budget?: ParseBudget): Value {
  let i = 0;
  let values = 0;
  let pending = 0;
  const charge = (bytes: number): void => {
    pending += bytes;
    if ((++values & 4095) === 0 && budget) {
      budget.allocate(pending);
      pending = 0;
      budget.checkTime();
    }
  };
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r'))
      i++;
  };
  const value = (depth: number): Value => {
    if (depth > 10000) fail('exceeded max depth');
    charge(BYTES_PER_VALUE);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj = new ObjectValue();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"')
          fail(
            `invalid character ${JSON.stringify(text[i] ?? '')} looking for beginning of object key string`,
          );
        const k = str();
        ws();
        if (text[i] !== ':') fail(`invalid character ${JSON.stringify(text[i] ?? '')} after object key`);
        i++;
        obj.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`invalid character ${JSON.stringify(text[i] ?? '')} after object key:value pair`);
      }
    }
    if (c === '[') {
      i++;
      const arr: Value[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`invalid character ${JSON.stringify(text[i] ?? '')} after array element`);
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 1000));
    if (!m || m[0] === '' || m[0] === '-') {
      if (i >= text.length) fail('unexpected end of JSON input');
      fail(`invalid character ${JSON.stringify(text[i])} looking for beginning of value`);
    }
    i += m![0].length;
    const n = numberFromText(m![0]);
    if (n === undefined) fail('number out of range');
    return n!;
  };
  const str = (): string => {
    const start = i;
    i++;
    let simple = true;
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail('invalid character in string literal');
      if (text[i] === '\\') {
        simple = false;
        i += 2;
      } else i++;
    }
    if (i >= text.length) fail('unexpected end of JSON input');
    i++;
    const raw = text.slice(start, i);
    charge(2 * raw.length);
    if (simple) return raw.slice(1, -1);
    try {
      return JSON.parse(raw) as string;
    } catch {
      return fail('invalid escape in string literal');
    }
  };
  let v: Value;
  try {
    v = value(0);
  } catch (e) {
    // Nesting deeper than the JS stack allows is Go's depth error too (it stops at 10000).
    if (e instanceof RangeError && /call stack/i.test(e.message)) return fail('exceeded max depth');
    throw e;
  }
  ws();
  if (i < text.length) fail(`invalid character ${JSON.stringify(text[i])} after top-level value`);
  budget?.allocate(pending);
  return v;
}

// Go's encoding/base64 StdEncoding / URLEncoding: strict alphabet and padding, newlines ignored.
function base64Decode(s: string, url: boolean): string {
  const clean = s.replace(/[\r\n]/g, '');
  const alphabet = url ? /^[A-Za-z0-9_-]*={0,2}$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  const bad = (): never => {
    const idx = [...clean].findIndex((ch) => !(url ? /[A-Za-z0-9_=-]/ : /[A-Za-z0-9+/=]/).test(ch));
    throw new BuiltinError(
      `illegal base64 data at input byte ${idx >= 0 ? idx : clean.length - (clean.length % 4)}`,
    );
  };
  if (!alphabet.test(clean) || clean.length % 4 !== 0) bad();
  const body = clean.replace(/=+$/, '');
  if (body.length % 4 === 1) bad();
  return Buffer.from(body, url ? 'base64url' : 'base64').toString('utf8');
}

/** Go's url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Go's url.QueryUnescape. */
function queryUnescape(s: string): string {
  const bytes: number[] = [];
  const src = Buffer.from(s, 'utf8');
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25) {
      const hex = src.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new BuiltinError(
          `invalid URL escape ${JSON.stringify(src.subarray(i, i + 3).toString('latin1'))}`,
        );
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (b === 0x2b) bytes.push(0x20);
    else bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The `encoding` builtins. */
export const encodingBuiltins: BuiltinDef[] = [
  { name: 'json.marshal', arity: 1, fn: (args, ctx) => boundedJsonMarshal(args[0]!, () => ctx.charge(1)) },
  {
    // prefix/indent imply pretty printing unless `pretty` says otherwise (OPA semantics).
    name: 'json.marshal_with_options',
    arity: 2,
    fn: (args, ctx) => {
      const tick = (): void => ctx.charge(1);
      const opts = expectObject(args, 1);
      let prefix = '';
      let indent = '\t';
      let implicit = false;
      let explicit: boolean | undefined;
      opts.keys().forEach((k, idx) => {
        const v = opts.get(k)!;
        if (typeof k !== 'string') {
          throw new OperandTypeError(`operand 2 failed to stringify key ${regoText(k)} at index ${idx}`);
        }
        if (k === 'prefix' || k === 'indent') {
          if (typeof v !== 'string') throw new OperandTypeError(`operand 2 key ${k} failed cast to string`);
          if (k === 'prefix') prefix = v;
          else indent = v;
          implicit = true;
        } else if (k === 'pretty') {
          if (typeof v !== 'boolean') throw new OperandTypeError(`operand 2 key ${k} failed cast to bool`);
          explicit = v;
        } else throw new OperandTypeError(`operand 2 object contained unknown key ${k}`);
      });
      if (!(explicit ?? implicit)) return boundedJsonMarshal(args[0]!, tick);
      return prefix + jsonMarshalIndent(args[0]!, prefix, indent, tick);
    },
  },
  {
    name: 'json.unmarshal',
    arity: 1,
    fn: (args, ctx) => {
      const s = expectString(args, 0);
      try {
        return parseJSON(s, ctx);
      } catch (e) {
        if (e instanceof JsonSyntaxError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
  {
    name: 'json.is_valid',
    arity: 1,
    fn: (args, ctx) => {
      if (typeof args[0] !== 'string') return false;
      try {
        parseJSON(args[0], ctx);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'base64.encode',
    arity: 1,
    fn: (args) => Buffer.from(expectString(args, 0), 'utf8').toString('base64'),
  },
  { name: 'base64.decode', arity: 1, fn: (args) => base64Decode(expectString(args, 0), false) },
  {
    name: 'base64.is_valid',
    arity: 1,
    fn: (args) => {
      if (typeof args[0] !== 'string') return false;
      try {
        base64Decode(args[0], false);
        return true;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'base64url.encode',
    arity: 1,
    fn: (args) => {
      const raw = Buffer.from(expectString(args, 0), 'utf8').toString('base64url');
      return raw + '='.repeat((4 - (raw.length % 4)) % 4);
    },
  },
  {
    name: 'base64url.encode_no_pad',
    arity: 1,
    fn: (args) => Buffer.from(expectString(args, 0), 'utf8').toString('base64url'),
  },
  {
    name: 'base64url.decode',
    arity: 1,
    fn: (args) => {
      let s = expectString(args, 0);
      if (!s.endsWith('=')) {
        const r = s.length % 4;
        if (r === 2) s += '==';
        else if (r === 3) s += '=';
        else if (r === 1) throw new BuiltinError(`illegal base64url string: ${s}`);
      }
      return base64Decode(s, true);
    },
  },
  { name: 'hex.encode', arity: 1, fn: (args) => Buffer.from(expectString(args, 0), 'utf8').toString('hex') },
  {
    name: 'hex.decode',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      const bad = /[^0-9a-fA-F]/.exec(s);
      if (bad) {
        const cp = bad[0].codePointAt(0)!;
        throw new BuiltinError(
          `encoding/hex: invalid byte: U+${cp.toString(16).toUpperCase().padStart(4, '0')} ${JSON.stringify(bad[0]).replace(/^"|"$/g, "'")}`,
        );
      }
      if (s.length % 2 !== 0) throw new BuiltinError('encoding/hex: odd length hex string');
      return Buffer.from(s, 'hex').toString('utf8');
    },
  },
  { name: 'urlquery.encode', arity: 1, fn: (args) => queryEscape(expectString(args, 0)) },
  { name: 'urlquery.decode', arity: 1, fn: (args) => queryUnescape(expectString(args, 0)) },
  {
    name: 'urlquery.encode_object',
    arity: 1,
    fn: (args) => {
      const obj = expectObject(args, 0);
      const bad = (): OperandTypeError =>
        new OperandTypeError('operand 1 values must be string, array[string], or set[string]');
      const pairs: Array<[string, string[]]> = [];
      for (const [k, v] of obj.entries()) {
        const key = typeof k === 'string' ? k : jsonMarshal(k);
        let vals: Value[];
        if (typeof v === 'string') vals = [v];
        else if (Array.isArray(v)) vals = v;
        else if (v instanceof SetValue) vals = v.values();
        else throw bad();
        if (vals.some((x) => typeof x !== 'string')) throw bad();
        pairs.push([key, vals as string[]]);
      }
      // url.Values.Encode: keys sorted bytewise, values in order.
      pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return pairs.flatMap(([k, vs]) => vs.map((x) => `${queryEscape(k)}=${queryEscape(x)}`)).join('&');
    },
  },
  {
    name: 'urlquery.decode_object',
    arity: 1,
    fn: (args) => {
      const s = expectString(args, 0);
      const out = new Map<string, string[]>();
      for (const part of s.split(/[&]/)) {
        if (part === '') continue;
        if (part.includes(';')) throw new BuiltinError('invalid semicolon separator in query');
        const eq = part.indexOf('=');
        const k = queryUnescape(eq < 0 ? part : part.slice(0, eq));
        const v = eq < 0 ? '' : queryUnescape(part.slice(eq + 1));
        const list = out.get(k) ?? [];
        list.push(v);
        out.set(k, list);
      }
      return ObjectValue.from([...out].map(([k, v]) => [k, v] as const));
    },
  },
];

// json.verify_schema / json.match_schema (OPA `jsonschema.go`).
function schemaOperand(v: Value, pos: number): Json {
  if (typeof v === 'string') {
    try {
      return JSON.parse(v) as Json;
    } catch (e) {
      throw new BuiltinError(`jsonschema: ${(e as Error).message}`);
    }
  }
  if (v instanceof ObjectValue || typeof v === 'boolean') return toJSON(v) as Json;
  throw operandError(pos, 'one of {string, object, boolean}', v);
}

encodingBuiltins.push(
  {
    name: 'json.verify_schema',
    arity: 1,
    fn: (args) => {
      try {
        const s = schemaOperand(args[0]!, 1);
        checkSchema(s);
        return [true, null];
      } catch (e) {
        if (e instanceof SchemaError || e instanceof BuiltinError) {
          return [false, e.message.startsWith('jsonschema: ') ? e.message : `jsonschema: ${e.message}`];
        }
        throw e;
      }
    },
  },
  {
    name: 'json.match_schema',
    arity: 2,
    fn: (args, ctx) => {
      const docArg = args[0]!;
      let doc: Json;
      if (typeof docArg === 'string') {
        try {
          doc = JSON.parse(docArg) as Json;
        } catch (e) {
          throw new BuiltinError((e as Error).message);
        }
      } else if (docArg instanceof ObjectValue) doc = toJSON(docArg) as Json;
      else throw operandError(1, 'one of {object, string}', docArg);
      const schema = schemaOperand(args[1]!, 2);
      try {
        checkSchema(schema);
        const errs = validateSchema(doc, schema, () => ctx.checkTime());
        return [errs.length === 0, errs.map((e) => ObjectValue.from(Object.entries(e)))];
      } catch (e) {
        if (e instanceof SchemaError) throw new BuiltinError(e.message);
        throw e;
      }
    },
  },
);
