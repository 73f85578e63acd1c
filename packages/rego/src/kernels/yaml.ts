/**
 * YAML as OPA reads it (sigs.k8s.io/yaml over go-yaml v2), on the `yaml` library: YAML 1.1
 * scalars (yes/no booleans, 0777 octal, 0x hex), `<<` merge keys, the first document only,
 * later duplicate keys win, timestamps and base-60 numbers stay strings. Aliases are bounded,
 * so a billion-laughs document is an error instead of gigabytes, and lexing reports progress
 * so that a caller can stop at its deadline.
 */
import { Composer, Lexer, Parser, type Tags } from 'yaml';

/** Malformed YAML, or a document that aliases too much. */
export class YamlError extends Error {}

/** What parsing may charge: the caller's budget (all optional). */
export interface YamlBudget {
  /** Called every few thousand lexemes; throws to stop. */
  checkTime?(): void;
  /** Called before composing, with an estimate of its duration in ms; throws to refuse. */
  expectWork?(ms: number): void;
}

/** Alias expansions allowed per document (the library's guard against alias bombs). */
const MAX_ALIAS_COUNT = 1000;
const LEXEMES_PER_CHECK = 1024;

// go-yaml v2 keeps timestamps and base-60 numbers as strings when decoding into interface{}.
const goYamlTags = (tags: Tags): Tags =>
  tags.filter(
    (t) => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'),
  );

const OPTIONS = {
  version: '1.1',
  merge: true,
  intAsBigInt: true,
  uniqueKeys: false,
  customTags: goYamlTags,
} as const;

/**
 * The first document of `src` as plain JS: null, booleans, strings, bigint integers, number
 * floats, arrays, plain objects (and Set / Map / Uint8Array for `!!set`, `!!omap`,
 * `!!binary`). Repeated aliases are the same JS object. Throws YamlError.
 */
export function parseYamlDocument(src: string, budget: YamlBudget = {}): unknown {
  const started = Date.now();
  const parser = new Parser();
  const tokens = [];
  let lexemes = 0;
  let documents = 0;
  lexing: for (const lexeme of new Lexer().lex(src)) {
    if (++lexemes % LEXEMES_PER_CHECK === 0) budget.checkTime?.();
    for (const token of parser.next(lexeme)) {
      // A second document starts: the first is complete, and go-yaml reads no further.
      if (token.type === 'document' && ++documents === 2) break lexing;
      tokens.push(token);
    }
  }
  if (documents < 2) tokens.push(...parser.end());
  // Composing cannot be interrupted; it takes about as long as lexing and parsing took.
  budget.expectWork?.(Date.now() - started);
  const doc = [...new Composer(OPTIONS).compose(tokens, true, src.length)][0]!;
  const error = doc.errors[0];
  if (error) throw new YamlError(error.message.split('\n')[0]);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError) throw new YamlError(e.message);
    throw e;
  }
}

/** A number kept as its text so the caller can build an exact number. */
export class YamlNumber {
  constructor(readonly text: string) {}
}

/** Parsed YAML for small trusted texts (METADATA blocks): numbers as YamlNumber, string keys. */
export type YamlValue = null | boolean | string | YamlNumber | YamlValue[] | { [k: string]: YamlValue };

/** Parses the first document of `src` into a YamlValue. Throws YamlError. */
export function parseYaml(src: string): YamlValue {
  const convert = (x: unknown): YamlValue => {
    if (typeof x === 'bigint' || typeof x === 'number') return new YamlNumber(String(x));
    if (x === null || x === undefined) return null;
    if (typeof x !== 'object') return x as boolean | string;
    if (Array.isArray(x)) return x.map(convert);
    const out: { [k: string]: YamlValue } = {};
    for (const [k, v] of x instanceof Map ? x : Object.entries(x)) {
      Object.defineProperty(out, String(k), { value: convert(v), enumerable: true, writable: true });
    }
    return out;
  };
  return convert(parseYamlDocument(src));
}
