// The PolicyEngine port implemented with @liftoff/rego. Compiled policies are cached by (id, revision) so a request
// never re-parses a policy.
import {
  compile,
  parseModule,
  RegoCompileError,
  RegoError,
  RegoParseError,
  type CompiledPolicy,
} from '@liftoff/rego';
import type { JsonValue } from '../domain/json.js';
import type { RegoVersion } from '../domain/policies.js';
import {
  PolicyCompileError,
  PolicyEvaluationError,
  type PolicyEngine,
  type PolicySource,
} from '../domain/policy-engine.js';

/** Built-ins the seed's system disables: they reach outside the input or make decisions non-reproducible. */
export const DISABLED_BUILTINS = ['http.send', 'opa.runtime', 'rego.parse_module', 'time.now_ns', 'trace'];

/** Upper bound on evaluation steps per rule, independent of the wall-clock budget. */
const MAX_STEPS = 1_000_000;

/**
 * Upper bound on the bytes of values builtins build per rule (strings, parsed documents): a
 * YAML bomb or a concat loop in a policy ends as eval_cancel_error instead of taking the
 * service's memory (see packages/rego/README.md, "Budget").
 */
const MAX_BYTES = 64 * 1024 * 1024;

interface CacheEntry {
  revision: number;
  body: string;
  regoVersion: RegoVersion;
  compiled: CompiledPolicy;
  /** `data.<package>.` prefix of rule queries. */
  prefix: string;
  /** `prefix + rule` per rule, so a request does not build (and hash) new strings. */
  queries: Map<string, string>;
  /** Rule names the module defines; undefined when unknown (then every rule is evaluated). */
  defines: Set<string> | undefined;
}

export class RegoPolicyEngine implements PolicyEngine {
  private readonly cache = new Map<string, CacheEntry>();

  validate(id: string, body: string, regoVersion: RegoVersion): void {
    this.compile(id, body, regoVersion);
  }

  evaluateRules(
    policy: PolicySource,
    rules: readonly string[],
    input: JsonValue,
    deadline: number,
  ): Record<string, boolean> {
    const entry = this.entry(policy);
    const out: Record<string, boolean> = {};
    for (const rule of rules) {
      // A rule the module does not define is undefined (policies get no base documents under `data`): nothing to
      // evaluate and nothing that could fail. Most policies define one or two of the four rules.
      if (entry.defines && !entry.defines.has(rule)) {
        out[rule] = false;
        continue;
      }
      let query = entry.queries.get(rule);
      if (query === undefined) entry.queries.set(rule, (query = entry.prefix + rule));
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new PolicyEvaluationError('eval_cancel_error', 'policy time budget exceeded');
      let value: JsonValue | undefined;
      try {
        value = entry.compiled.evaluate(query, {
          input,
          timeoutMs: remaining,
          maxSteps: MAX_STEPS,
          maxBytes: MAX_BYTES,
        }) as JsonValue | undefined;
      } catch (err) {
        if (err instanceof RegoError) throw new PolicyEvaluationError(err.code, err.message);
        throw new PolicyEvaluationError('internal_error', err instanceof Error ? err.message : String(err));
      }
      out[rule] = value === true;
    }
    return out;
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
    const pkg = compiled.packages[0] ?? '';
    const entry: CacheEntry = {
      revision: policy.revision,
      body: policy.body,
      regoVersion: policy.rego_version,
      compiled,
      prefix: `data.${pkg}.`,
      queries: new Map(),
      defines: definedRules(policy.id, policy.body, policy.rego_version),
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

/** Names of the rules a module defines (the first element of each rule head). */
function definedRules(id: string, body: string, regoVersion: RegoVersion): Set<string> | undefined {
  const names = new Set<string>();
  for (const rule of parseModule(body, `${id}.rego`, regoVersion).rules) {
    const head = rule.ref[0];
    if (head?.type !== 'scalar' || typeof head.value !== 'string') return undefined;
    names.add(head.value);
  }
  return names;
}
