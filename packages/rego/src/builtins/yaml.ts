// yaml.* builtins (OPA `encoding.go`); parsing is ../kernels/yaml.ts (the `yaml` library
// configured as go-yaml v2). Conversion to Rego values and writing charge the budget per node.
import { Document } from 'yaml';
import { fromBigInt, fromDouble, numberFromText, type RegoNumber } from '../number.js';
import { ObjectValue, SetValue, isNumber, type Value } from '../value.js';
import { jsonMarshal, numberText } from '../format.js';
import { parseYamlDocument, YamlError } from '../kernels/yaml.js';
import { BuiltinError, expectString, type BuiltinContext, type BuiltinDef } from './registry.js';

/** Bytes of parser state per input character, charged before parsing. */
const PARSE_BYTES_PER_CHAR = 24;

/** Converts the parsed document to Rego values, charging the budget per node. */
function toRego(js: unknown, ctx: BuiltinContext): Value {
  // Aliases make shared JS objects; sharing them as Rego values keeps aliases cheap.
  const seen = new Map<object, Value>();
  let nodes = 0;
  const convert = (x: unknown): Value => {
    if (++nodes % 4096 === 0) ctx.checkTime();
    switch (typeof x) {
      case 'string':
        ctx.allocate(2 * x.length);
        return x;
      case 'boolean':
        return x;
      case 'bigint':
        return fromBigInt(x);
      case 'number':
        return yamlFloat(x);
    }
    if (x === null || x === undefined) return null;
    const known = seen.get(x);
    if (known !== undefined) return known;
    let v: Value;
    if (x instanceof Uint8Array) v = Buffer.from(x).toString('base64');
    else if (Array.isArray(x)) {
      ctx.allocate(8 * x.length);
      v = x.map(convert);
    } else if (x instanceof Set) {
      v = ObjectValue.from([...x].map((k) => [String(k), null] as const));
    } else if (x instanceof Map) {
      v = ObjectValue.from([...x].map(([k, e]) => [String(k), convert(e)] as const));
    } else {
      const entries = Object.entries(x);
      ctx.allocate(48 * entries.length);
      v = ObjectValue.from(entries.map(([k, e]) => [k, convert(e)] as const));
    }
    seen.set(x, v);
    return v;
  };
  return convert(js);
}

// go-yaml decodes floats to float64, which JSON then prints in shortest form (1.50 → 1.5).
function yamlFloat(x: number): RegoNumber {
  const n = fromDouble(x);
  if (n === undefined)
    throw new YamlError(`json: unsupported value: ${x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN'}`);
  return Number.isInteger(x) ? (numberFromText(String(x)) ?? n) : n;
}

function unmarshal(src: string, ctx: BuiltinContext): Value {
  try {
    ctx.allocate(src.length * PARSE_BYTES_PER_CHAR);
    return toRego(parseYamlDocument(src, ctx), ctx);
  } catch (e) {
    if (e instanceof YamlError) throw new BuiltinError(`yaml: ${e.message}`);
    throw e;
  }
}

/** A number to print with its exact Rego text. */
class NumberText {
  constructor(readonly text: string) {}
}

const numberTag = {
  identify: (v: unknown) => v instanceof NumberText,
  default: true,
  tag: 'tag:yaml.org,2002:float',
  resolve: (s: string) => s,
  stringify: (item: { value: unknown }) => (item.value as NumberText).text,
};

/** Plain JS form of a value for the YAML writer: sets are sorted lists, non-string keys JSON. */
function toYamlJS(v: Value, ctx: BuiltinContext): unknown {
  if (isNumber(v)) return new NumberText(numberText(v));
  if (Array.isArray(v)) return v.map((x) => toYamlJS(x, ctx));
  if (v instanceof SetValue) return v.values().map((x) => toYamlJS(x, ctx));
  if (v instanceof ObjectValue) {
    ctx.checkTime();
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.entries()) {
      const key = typeof k === 'string' ? k : jsonMarshal(k);
      Object.defineProperty(o, key, { value: toYamlJS(x, ctx), enumerable: true, writable: true });
    }
    return o;
  }
  return v;
}

/** The writer's output style is go-yaml v2's: sorted keys, sequences at the parent's indentation. */
function marshal(v: Value, ctx: BuiltinContext): string {
  const doc = new Document(toYamlJS(v, ctx), {
    version: '1.1',
    sortMapEntries: true,
    customTags: [numberTag],
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, nullStr: 'null' });
}

/** The `yaml` builtins. */
export const yamlBuiltins: BuiltinDef[] = [
  { name: 'yaml.marshal', arity: 1, fn: (args, ctx) => marshal(args[0]!, ctx) },
  { name: 'yaml.unmarshal', arity: 1, fn: (args, ctx) => unmarshal(expectString(args, 0), ctx) },
  {
    name: 'yaml.is_valid',
    arity: 1,
    fn: (args, ctx) => {
      if (typeof args[0] !== 'string') return false;
      try {
        unmarshal(args[0], ctx);
        return true;
      } catch (e) {
        if (e instanceof BuiltinError) return false;
        throw e;
      }
    },
  },
];
