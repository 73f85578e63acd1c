// Port to the policy language. The domain only needs to check that a body compiles and to evaluate boolean rules;
// the Rego adapter lives in src/policy-engine.
import { ValidationError } from './errors.js';
import type { JsonValue } from './json.js';

/** The Rego syntax a policy body is written in. */
export type RegoVersion = 'v1' | 'v0';

/** Time left for an evaluation, read from the caller's clock: one budget for all the policies of a request. */
export interface Deadline {
  remainingMs(): number;
}

export interface PolicySource {
  id: string;
  revision: number;
  body: string;
  rego_version: RegoVersion;
}

/** A body that does not compile; `line`/`column` point at the problem. */
export class PolicyCompileError extends ValidationError {
  constructor(
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super('policy_compile_error', `body: line ${line}, column ${column}: ${detail}`);
  }
}

/** Evaluation failed at run time (error, step budget or deadline). */
export class PolicyEvaluationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyEvaluationError';
  }
}

export interface PolicyEngine {
  /** Throws PolicyCompileError. */
  validate(id: string, body: string, regoVersion: RegoVersion): void;
  /**
   * Evaluates each rule of the policy's package; a rule is true only when it evaluates to `true`.
   * Must finish within `deadline` or throw PolicyEvaluationError.
   */
  evaluateRules(
    policy: PolicySource,
    rules: readonly string[],
    input: JsonValue,
    deadline: Deadline,
  ): Record<string, boolean>;
  /**
   * The value of each rule of the policy's package as JSON (sets as arrays), `undefined` where the rule is not
   * defined or undefined for this input. Same budget and errors as `evaluateRules`.
   */
  evaluateValues(
    policy: PolicySource,
    rules: readonly string[],
    input: JsonValue,
    deadline: Deadline,
  ): Record<string, JsonValue | undefined>;
}
