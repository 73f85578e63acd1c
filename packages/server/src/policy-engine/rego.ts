// The PolicyEngine port implemented with @liftoff/rego. Compiled policies are cached by (id, revision) so a request
// never re-parses a policy; a policy is parsed once, by compile().
import { compile, RegoCompileError, RegoError, RegoParseError, type CompiledPolicy } from '@liftoff/rego';
import type { JsonValue } from '../domain/json.js';
import {
  PolicyCompileError,
  PolicyEvaluationError,
  type Deadline,
  type PolicyEngine,
  type PolicySource,
  type RegoVersion,
} from '../domain/policy-engine.js';

/** Built-ins policies may not use: they reach outside the input or make decisions non-reproducible (docs/policies.md). */
export const DISABLED_BUILTINS = ['http.send', 'opa.runtime', 'rego.parse_module', 'time.now_ns', 'trace'];

/** Upper bound on evaluation steps per rule, independent of the wall-clock budget. */
const MAX_STEPS = 1_000_000;

/**
 * Upper bound on the bytes of values builtins build while evaluating a policy's rules (strings, parsed documents):
 * a YAML bomb or a concat loop in a policy ends as eval_cancel_error instead of taking the service's memory (see
 * packages/rego/README.md, "Budget").
 */
const MAX_BYTES = 64 * 1024 * 1024;

interface CacheEntry {
  revision: number;
  body: string;
  regoVersion: RegoVersion;
  compiled: CompiledPolicy;
  /** `data.<package>` of the policy's rules. */
  pkg: string;
  /** The query for a list of rules (joined by ","), so a request does not build (and hash) new strings. */
  queries: Map<string, string>;
}

const RULE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class RegoPolicyEngine implements PolicyEngine {
  private readonly cache = new Map<string, CacheEntry>();

  validate(id: string, body: string, regoVersion: RegoVersion): void {
    this.compile(id, body, regoVersion);
  }

  evaluateRules(
    policy: PolicySource,
    rules: readonly string[],
    input: JsonValue,
    deadline: Deadline,
  ): Record<string, boolean> {
    const row = this.run(policy, rules, input, deadline);
    const out: Record<string, boolean> = {};
    for (const rule of rules) {
      const values = row?.[rule];
      out[rule] = Array.isArray(values) && values[0] === true;
    }
    return out;
  }

  evaluateValues(
    policy: PolicySource,
    rules: readonly string[],
    input: JsonValue,
    deadline: Deadline,
  ): Record<string, JsonValue | undefined> {
    const row = this.run(policy, rules, input, deadline);
    const out: Record<string, JsonValue | undefined> = {};
    for (const rule of rules) {
      const values = row?.[rule];
      out[rule] = Array.isArray(values) && values.length > 0 ? values[0] : undefined;
    }
    return out;
  }

  /** One row: each rule's values as an array (empty when undefined). */
  private run(
    policy: PolicySource,
    rules: readonly string[],
    input: JsonValue,
    deadline: Deadline,
  ): Record<string, JsonValue> | undefined {
    const entry = this.entry(policy);
    const remaining = deadline.remainingMs();
    if (remaining <= 0) throw new PolicyEvaluationError('eval_cancel_error', 'policy time budget exceeded');
    let row: Record<string, JsonValue> | undefined;
    try {
      [row] = entry.compiled.query(this.query(entry, rules), {
        input,
        timeoutMs: remaining,
        maxSteps: MAX_STEPS * rules.length,
        // A bound on memory, not an allowance per rule: the rules of one query share it.
        maxBytes: MAX_BYTES,
      });
    } catch (err) {
      if (err instanceof RegoError) throw new PolicyEvaluationError(err.code, err.message);
      throw new PolicyEvaluationError('internal_error', err instanceof Error ? err.message : String(err));
    }
    return row;
  }

  /**
   * One query for all the rules, each wrapped in a comprehension: a rule the module does not define (policies get
   * no base documents under `data`; most define one or two of the four rules) is an empty array instead of making
   * the whole query undefined, and the input is converted once per policy, not once per rule.
   */
  private query(entry: CacheEntry, rules: readonly string[]): string {
    const key = rules.join(',');
    let query = entry.queries.get(key);
    if (query === undefined) {
      for (const rule of rules) if (!RULE_NAME.test(rule)) throw new Error(`not a rule name: ${rule}`);
      query = rules.map((rule) => `${rule} := [v | v := ${entry.pkg}.${rule}]`).join('; ');
      entry.queries.set(key, query);
    }
    return query;
  }

  private entry(policy: PolicySource): CacheEntry {
    const cached = this.cache.get(policy.id);
    if (
      cached &&
      cached.revision === policy.revision &&
      cached.regoVersion === policy.rego_version &&
      cached.body === policy.body
    ) {
      return cached;
    }
    let compiled: CompiledPolicy;
    try {
      compiled = this.compile(policy.id, policy.body, policy.rego_version);
    } catch (err) {
      // Bodies are checked on save, so this means the engine changed underneath; deny like any evaluation error.
      throw new PolicyEvaluationError('rego_compile_error', err instanceof Error ? err.message : String(err));
    }
    const entry: CacheEntry = {
      revision: policy.revision,
      body: policy.body,
      regoVersion: policy.rego_version,
      compiled,
      pkg: `data.${compiled.packages[0] ?? ''}`,
      queries: new Map(),
    };
    this.cache.set(policy.id, entry);
    return entry;
  }

  private compile(id: string, body: string, regoVersion: RegoVersion): CompiledPolicy {
    try {
      const compiled = compile([{ name: `${id}.rego`, source: body }], {
        regoVersion,
        disabledBuiltins: DISABLED_BUILTINS,
      });
      if (compiled.packages.length === 0) throw new PolicyCompileError(1, 1, 'the body declares no package');
      return compiled;
    } catch (err) {
      if (err instanceof PolicyCompileError) throw err;
      if (err instanceof RegoParseError) throw new PolicyCompileError(err.line, err.column, err.detail);
      if (err instanceof RegoCompileError) {
        const first = err.errors[0];
        throw new PolicyCompileError(first?.line ?? 1, first?.column ?? 1, first?.message ?? err.message);
      }
      if (err instanceof RegoError) throw new PolicyCompileError(1, 1, err.message);
      throw err;
    }
  }
}
