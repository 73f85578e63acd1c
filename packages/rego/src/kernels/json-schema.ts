/**
 * A focused JSON Schema validator (draft-04/06/07 keywords) for `json.verify_schema` and
 * `json.match_schema`, reporting errors the way gojsonschema (used by OPA) words them.
 * Works on plain JSON values.
 *
 * Why not a library: OPA returns gojsonschema's error list verbatim (`Invalid type. Expected:
 * integer, given: string`, its `(root)`/dotted field paths, its type names, which errors
 * `anyOf`/`oneOf` report) and its schema-load errors. JS validators (ajv, @cfworker) validate
 * the same drafts but report in their own words and structure, so every result would need
 * translating back; that mapping would be as long as this file and less faithful. Patterns are
 * Go regexps (RE2, linear time) as in gojsonschema, and validation checks the caller's clock.
 */
import { compileRe2 } from './regex/re2.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** One validation error, as OPA returns it. */
export interface SchemaViolation {
  error: string;
  type: string;
  field: string;
  desc: string;
}

/** The schema itself is invalid. */
export class SchemaError extends Error {}

const TYPES = ['array', 'boolean', 'integer', 'number', 'null', 'object', 'string'];

function isObj(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]!));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

function show(v: Json): string {
  return JSON.stringify(v);
}

/** Checks the schema's own structure (the part gojsonschema rejects at load time). */
export function checkSchema(schema: Json): void {
  const walk = (s: Json): void => {
    if (Array.isArray(s)) {
      s.forEach(walk);
      return;
    }
    if (!isObj(s)) return;
    const t = s.type;
    const check = (name: Json): void => {
      if (typeof name !== 'string' || !TYPES.includes(name)) {
        throw new SchemaError(
          `has a primitive type that is NOT VALID -- given: /${typeof name === 'string' ? name : show(name)}/ Expected valid values are:[${TYPES.join(' ')}]`,
        );
      }
    };
    if (t !== undefined) {
      if (Array.isArray(t)) t.forEach(check);
      else check(t);
    }
    for (const [k, v] of Object.entries(s))
      if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') walk(v);
  };
  walk(schema);
}

/** Validates a document; returns the violations (empty when valid). */
export function validateSchema(doc: Json, schema: Json, checkTime: () => void = () => {}): SchemaViolation[] {
  let checks = 0;
  const errors: SchemaViolation[] = [];
  const root = schema;
  const add = (field: string, type: string, desc: string): void => {
    const f = field === '' ? '(root)' : field;
    errors.push({ error: `${f}: ${desc}`, type, field: f, desc });
  };
  const resolve = (ref: string): Json => {
    if (!ref.startsWith('#')) throw new SchemaError(`unsupported $ref ${ref}`);
    let cur: Json = root;
    for (const raw of ref
      .slice(1)
      .split('/')
      .filter((p) => p !== '')) {
      const p = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
      if (isObj(cur)) cur = cur[p] as Json;
      else if (Array.isArray(cur)) cur = cur[Number(p)] as Json;
      else throw new SchemaError(`cannot resolve $ref ${ref}`);
      if (cur === undefined) throw new SchemaError(`cannot resolve $ref ${ref}`);
    }
    return cur;
  };
  const child = (field: string, key: string | number): string =>
    field === '' ? String(key) : `${field}.${key}`;
  // Returns whether `v` is valid against `s`, recording errors when `record`.
  const check = (v: Json, s: Json, field: string, record: boolean): boolean => {
    if (++checks % 1024 === 0) checkTime();
    const before = errors.length;
    const fail = (type: string, desc: string): void => {
      if (record) add(field, type, desc);
      else errors.push({ error: '', type, field, desc });
    };
    const done = (): boolean => {
      const ok = errors.length === before;
      if (!record) errors.length = before;
      return ok;
    };
    if (s === true || s === undefined) return true;
    if (s === false) {
      fail('false', 'False always fails validation');
      return done();
    }
    if (!isObj(s)) return true;
    if (typeof s.$ref === 'string') return check(v, resolve(s.$ref), field, record) && done();
    const t = typeOf(v);
    if (s.type !== undefined) {
      const allowed = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      const ok = allowed.some((a) => a === t || (a === 'number' && t === 'integer'));
      if (!ok) {
        fail('invalid_type', `Invalid type. Expected: ${allowed.join('/')}, given: ${t}`);
        return done();
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) {
      fail(
        'enum',
        `${field === '' ? '(root)' : field} must be one of the following: ${s.enum.map(show).join(', ')}`,
      );
    }
    if ('const' in s && !deepEqual(s.const!, v))
      fail('const', `${field === '' ? '(root)' : field} does not match: ${show(s.const!)}`);
    if (typeof v === 'string') {
      const len = [...v].length;
      if (typeof s.minLength === 'number' && len < s.minLength)
        fail('string_gte', `String length must be greater than or equal to ${s.minLength}`);
      if (typeof s.maxLength === 'number' && len > s.maxLength)
        fail('string_lte', `String length must be less than or equal to ${s.maxLength}`);
      if (typeof s.pattern === 'string' && !compileRe2(s.pattern).test(v))
        fail('pattern', `Does not match pattern '${s.pattern}'`);
      if (typeof s.format === 'string' && !checkFormat(s.format, v))
        fail('format', `Does not match format '${s.format}'`);
    }
    if (typeof v === 'number') {
      const exMin = s.exclusiveMinimum;
      const exMax = s.exclusiveMaximum;
      if (typeof s.minimum === 'number') {
        if (exMin === true ? v <= s.minimum : v < s.minimum) {
          fail(
            exMin === true ? 'number_gt' : 'number_gte',
            `Must be greater than${exMin === true ? '' : ' or equal to'} ${s.minimum}`,
          );
        }
      }
      if (typeof exMin === 'number' && v <= exMin) fail('number_gt', `Must be greater than ${exMin}`);
      if (typeof s.maximum === 'number') {
        if (exMax === true ? v >= s.maximum : v > s.maximum) {
          fail(
            exMax === true ? 'number_lt' : 'number_lte',
            `Must be less than${exMax === true ? '' : ' or equal to'} ${s.maximum}`,
          );
        }
      }
      if (typeof exMax === 'number' && v >= exMax) fail('number_lt', `Must be less than ${exMax}`);
      if (typeof s.multipleOf === 'number') {
        const q = v / s.multipleOf;
        if (Math.abs(q - Math.round(q)) > 1e-9) fail('multiple_of', `Must be a multiple of ${s.multipleOf}`);
      }
    }
    if (Array.isArray(v)) {
      if (typeof s.minItems === 'number' && v.length < s.minItems)
        fail('array_min_items', `Array must have at least ${s.minItems} items`);
      if (typeof s.maxItems === 'number' && v.length > s.maxItems)
        fail('array_max_items', `Array must have at most ${s.maxItems} items`);
      if (s.uniqueItems === true) {
        outer: for (let i = 0; i < v.length; i++) {
          for (let j = i + 1; j < v.length; j++) {
            if (deepEqual(v[i]!, v[j]!)) {
              fail('unique', `array items[${i},${j}] must be unique`);
              break outer;
            }
          }
        }
      }
      if (Array.isArray(s.items)) {
        v.forEach((x, i) => {
          if (i < (s.items as Json[]).length) check(x, (s.items as Json[])[i]!, child(field, i), record);
          else if (s.additionalItems === false)
            fail('array_no_additional_items', 'No additional items allowed on array');
          else if (isObj(s.additionalItems)) check(x, s.additionalItems, child(field, i), record);
        });
      } else if (s.items !== undefined) v.forEach((x, i) => check(x, s.items!, child(field, i), record));
      if (s.contains !== undefined && !v.some((x) => check(x, s.contains!, field, false))) {
        fail('contains', 'At least one of the items must match');
      }
    }
    if (isObj(v)) {
      const keys = Object.keys(v);
      if (Array.isArray(s.required)) {
        for (const r of s.required)
          if (typeof r === 'string' && !(r in v)) fail('required', `${r} is required`);
      }
      if (typeof s.minProperties === 'number' && keys.length < s.minProperties) {
        fail('array_min_properties', `Must have at least ${s.minProperties} properties`);
      }
      if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) {
        fail('array_max_properties', `Must have at most ${s.maxProperties} properties`);
      }
      const props = isObj(s.properties) ? s.properties : {};
      const patterns = isObj(s.patternProperties) ? s.patternProperties : {};
      for (const k of keys) {
        let matched = false;
        if (k in props) {
          matched = true;
          check(v[k]!, props[k]!, child(field, k), record);
        }
        for (const [p, ps] of Object.entries(patterns)) {
          if (compileRe2(p).test(k)) {
            matched = true;
            check(v[k]!, ps, child(field, k), record);
          }
        }
        if (!matched) {
          if (s.additionalProperties === false)
            fail('additional_property_not_allowed', `Additional property ${k} is not allowed`);
          else if (isObj(s.additionalProperties))
            check(v[k]!, s.additionalProperties, child(field, k), record);
        }
      }
      if (s.propertyNames !== undefined)
        for (const k of keys) check(k, s.propertyNames, child(field, k), record);
      if (isObj(s.dependencies)) {
        for (const [k, dep] of Object.entries(s.dependencies)) {
          if (!(k in v)) continue;
          if (Array.isArray(dep)) {
            for (const d of dep)
              if (typeof d === 'string' && !(d in v)) fail('missing_dependency', `Has a dependency on ${d}`);
          } else check(v, dep, field, record);
        }
      }
    }
    if (Array.isArray(s.allOf)) {
      const ok = s.allOf.map((x) => check(v, x, field, record)).every(Boolean);
      if (!ok) fail('number_all_of', 'Must validate all the schemas (allOf)');
    }
    if (Array.isArray(s.anyOf) && !s.anyOf.some((x) => check(v, x, field, false))) {
      fail('number_any_of', 'Must validate at least one schema (anyOf)');
    }
    if (Array.isArray(s.oneOf) && s.oneOf.filter((x) => check(v, x, field, false)).length !== 1) {
      fail('number_one_of', 'Must validate one and only one schema (oneOf)');
    }
    if (s.not !== undefined && check(v, s.not, field, false))
      fail('number_not', 'Must not validate the schema (not)');
    if (s.if !== undefined) {
      if (check(v, s.if, field, false)) {
        if (s.then !== undefined && !check(v, s.then, field, record))
          fail('condition_then', 'Must validate "then" as "if" was valid');
      } else if (s.else !== undefined && !check(v, s.else, field, record)) {
        fail('condition_else', 'Must validate "else" as "if" was not valid');
      }
    }
    return done();
  };
  check(doc, schema, '', true);
  return errors;
}

function checkFormat(format: string, v: string): boolean {
  switch (format) {
    case 'email':
      return /^[^@\s]+@[^@\s]+$/.test(v);
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(v);
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(v);
    case 'ipv4':
      return /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(v);
    case 'uuid':
      return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(v);
    case 'uri':
      return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v);
    default:
      return true;
  }
}
