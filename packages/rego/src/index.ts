// Public API of the Rego engine: compile modules once, evaluate many times.
import { compileModules, type CompiledModules } from './compiler.js';
import { RegoCompileError, RegoError, RegoEvalError, RegoParseError, withSnippets } from './errors.js';
import { Budget } from './eval/budget.js';
import { Evaluator, type Frame } from './eval/evaluator.js';
import type { CQuery, CTerm } from './ir.js';
import { parseModule, parseQuery, parseTerm } from './parser.js';
import { fromJS, toJSON, type JsonValue, type Value } from './value.js';

export { RegoError, RegoParseError, RegoCompileError, RegoEvalError };
export type { JsonValue, Value };
export { parseModule, parseQuery } from './parser.js';
export type { Module } from './ast.js';

/** A named module source; the name appears in error messages as the file. */
export interface ModuleSource {
  /** File name used in error locations, e.g. `policies/access.rego`. */
  name: string;
  /** Rego source text. */
  source: string;
}

/** Compile-time options. */
export interface CompileOptions {
  /** Syntax of the modules; default `'v1'`. */
  regoVersion?: 'v0' | 'v1';
  /** Builtins whose use is a compile error (e.g. `http.send`). */
  disabledBuiltins?: string[];
  /** Default for `EvalOptions.strictBuiltinErrors`; default false. */
  strictBuiltinErrors?: boolean;
  /**
   * OPA's compiler strict mode (`opa check --strict`): v1's checks for every module (no
   * shadowing of input/data, duplicate imports or deprecated builtins) plus unused imports,
   * unused local assignments and unused function arguments are errors. Default false.
   */
  strict?: boolean;
}

/** Per-evaluation options. */
export interface EvalOptions {
  /** The `input` document (plain JSON-like JS values); undefined leaves `input` undefined. */
  input?: unknown;
  /** Base documents, visible under `data` alongside the rules; default `{}`. */
  data?: unknown;
  /** Maximum evaluation steps; exceeding it raises `eval_cancel_error`. */
  maxSteps?: number;
  /** Wall-clock budget in ms; exceeding it raises `eval_cancel_error`. */
  timeoutMs?: number;
  /**
   * Budget in bytes for the values builtins build during the evaluation (strings, arrays,
   * parsed documents), counted as they are built; exceeding it raises `eval_cancel_error`.
   */
  maxBytes?: number;
  /** Builtin errors abort evaluation instead of making the call undefined. */
  strictBuiltinErrors?: boolean;
  /** Receives the output of `print()` calls (one line per call); default: discarded. */
  print?: (message: string) => void;
}

/** A compiled set of modules, ready to evaluate. */
export interface CompiledPolicy {
  /** Dotted package names of the modules, in first-seen order, e.g. `['spacelift', 'acme.rules']`. */
  readonly packages: string[];
  /** Runs a query; returns one object per solution mapping the query's variables to values. */
  query(query: string, options?: EvalOptions): Array<Record<string, JsonValue>>;
  /** Evaluates a ref such as `data.spacelift.write`; undefined when it has no value. */
  evaluate(ref: string, options?: EvalOptions): JsonValue | undefined;
}

const EMPTY_DATA: Value = fromJS({});
const CACHE_LIMIT = 1000;

class Policy implements CompiledPolicy {
  readonly packages: string[];
  private readonly queries = new Map<string, CQuery>();
  private readonly refs = new Map<string, { term: CTerm; nslots: number }>();

  constructor(
    private readonly compiled: CompiledModules,
    private readonly strictDefault: boolean,
  ) {
    this.packages = compiled.packages;
  }

  private evaluator(options: EvalOptions | undefined): Evaluator {
    // The clock starts before the input is converted: the caller's budget covers it too.
    const budget = new Budget(options?.maxSteps, options?.timeoutMs, options?.maxBytes);
    return new Evaluator(this.compiled.root, {
      input: options?.input === undefined ? undefined : fromJS(options.input),
      data: options?.data === undefined || options.data === null ? EMPTY_DATA : fromJS(options.data),
      strict: options?.strictBuiltinErrors ?? this.strictDefault,
      budget,
      print: options?.print,
    });
  }

  /** Compiles (and caches) a query. */
  prepare(query: string): CQuery {
    let q = this.queries.get(query);
    if (!q) {
      try {
        q = this.compiled.compileQuery(parseQuery(query), 'query');
      } catch (e) {
        throw located(tooDeep(e, 'query', 'rego_parse_error', query), (f) =>
          f === 'query' ? query : undefined,
        );
      }
      // Bound the cache: callers building query strings dynamically must not leak memory.
      if (this.queries.size >= CACHE_LIMIT) this.queries.clear();
      this.queries.set(query, q);
    }
    return q;
  }

  /** Runs a query and returns raw Rego values (sets stay sets). */
  queryValues(query: string, options?: EvalOptions): Array<Map<string, Value>> {
    const q = this.prepare(query);
    const ev = this.evaluator(options);
    const frame: Frame = new Array(q.nslots);
    const rows: Array<Map<string, Value>> = [];
    ev.run(q.body, frame, () => {
      const row = new Map<string, Value>();
      for (const { name, slot } of q.vars) {
        const v = frame[slot];
        if (v !== undefined) row.set(name, v);
      }
      rows.push(row);
      return false;
    });
    return rows;
  }

  query(query: string, options?: EvalOptions): Array<Record<string, JsonValue>> {
    return this.queryValues(query, options).map((row) => {
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of row) out[k] = toJSON(v);
      return out;
    });
  }

  evaluate(ref: string, options?: EvalOptions): JsonValue | undefined {
    let c = this.refs.get(ref);
    if (!c) {
      try {
        c = this.compiled.compileTermQuery(parseTerm(ref, 'query'), 'query');
      } catch (e) {
        throw located(tooDeep(e, 'query', 'rego_parse_error', ref), (f) => (f === 'query' ? ref : undefined));
      }
      if (this.refs.size >= CACHE_LIMIT) this.refs.clear();
      this.refs.set(ref, c);
    }
    const ev = this.evaluator(options);
    let out: Value | undefined;
    ev.runTerm(c.term, new Array(c.nslots), (v) => {
      out = v;
      return true;
    });
    return out === undefined ? undefined : toJSON(out);
  }
}

/**
 * Parses and compiles Rego modules. A plain string is one module named `policy.rego`.
 * Throws RegoParseError or RegoCompileError.
 */
export function compile(modules: ModuleSource[] | string, options: CompileOptions = {}): CompiledPolicy {
  const list = typeof modules === 'string' ? [{ name: 'policy.rego', source: modules }] : modules;
  const version = options.regoVersion ?? 'v1';
  const parsed = list.map((m) => {
    try {
      return parseModule(m.source, m.name, version);
    } catch (e) {
      throw tooDeep(e, m.name, 'rego_parse_error', m.source);
    }
  });
  let compiled: CompiledModules;
  try {
    compiled = compileModules(parsed, { disabledBuiltins: options.disabledBuiltins, strict: options.strict });
  } catch (e) {
    throw located(
      tooDeep(e, list[0]?.name ?? 'policy.rego', 'rego_compile_error'),
      (f) => list.find((m) => m.name === f)?.source,
    );
  }
  return new Policy(compiled, options.strictBuiltinErrors ?? false);
}

/** Compile errors get caret snippets here, where the sources are at hand. */
function located(e: unknown, sourceOf: (file: string) => string | undefined): unknown {
  return e instanceof RegoCompileError ? withSnippets(e, sourceOf) : e;
}

/**
 * Converts a JS stack overflow (absurdly nested source) into a typed error: a RegoParseError
 * while parsing, a RegoCompileError while compiling, so callers see the documented types.
 */
function tooDeep(
  e: unknown,
  file: string,
  code: 'rego_parse_error' | 'rego_compile_error',
  source?: string,
): unknown {
  if (!(e instanceof RangeError && /call stack/i.test(e.message))) return e;
  const message = 'source is nested too deeply';
  if (code === 'rego_parse_error') {
    return new RegoParseError(message, { file, line: 1, column: 1 }, source?.split('\n', 1)[0] ?? '');
  }
  return new RegoCompileError([{ file, line: 1, column: 1, message, code }]);
}

/**
 * Like `policy.query`, but returns raw Rego values (sets stay sets, numbers stay exact):
 * for callers that compare results by Rego equality, such as the conformance runner.
 */
export function queryValues(
  policy: CompiledPolicy,
  query: string,
  options?: EvalOptions,
): Array<Map<string, Value>> {
  if (!(policy instanceof Policy)) throw new TypeError('queryValues needs a policy returned by compile()');
  return policy.queryValues(query, options);
}

/** Parses a Rego term (e.g. an `input_term` with sets) into a runtime value; it must be constant. */
export function parseValue(text: string): Value {
  const compiled = compileModules([]);
  const { term, nslots } = compiled.compileTermQuery(parseTerm(text, 'term'), 'term');
  const ev = new Evaluator(compiled.root, {
    input: undefined,
    data: EMPTY_DATA,
    strict: true,
    budget: new Budget(),
  });
  let out: Value | undefined;
  ev.runTerm(term, new Array(nslots), (v) => {
    out = v;
    return true;
  });
  if (out === undefined) throw new RegoError('rego_parse_error', `term has no value: ${text}`);
  return out;
}
