// Stack access decisions (docs/policies.md): evaluate every attached ACCESS policy and combine their rules.
// any deny → none; else any deny_write → at most read; else any write → write; else any read → read; else none.
import { AccessDeniedError, NotFoundError } from './errors.js';
import type { AuditLog } from './audit.js';
import type { JsonObject } from './json.js';
import type { PolicyRepository } from './policies.js';
import { PolicyEvaluationError, type Deadline, type PolicyEngine } from './policy-engine.js';
import type { Stack } from './stacks.js';
import type { Subject } from './subjects.js';

export type AccessLevel = 'none' | 'read' | 'write';

export interface PolicyOutcome {
  policyId: string;
  rules: Record<string, boolean>;
  error?: string;
}

export interface AccessDecision {
  level: AccessLevel;
  /** Evaluated policies, in order; empty for admins. */
  outcomes: PolicyOutcome[];
}

export interface AccessObserver {
  /** One policy evaluated for one request; `outcome` summarizes its effect. */
  policyEvaluated(outcome: 'allow' | 'deny' | 'none' | 'error', durationMs: number): void;
  /** A request refused for lack of access. */
  accessDenied(needed: 'read' | 'write'): void;
}

// Every check evaluates all four rules, reads included: a policy that errors denies the whole
// request, so an error in `deny_write` must deny a read too (skipping it for reads would be cheaper, not safe).
const RULES = ['read', 'write', 'deny', 'deny_write'] as const;

/** The pure combination rule; exported for unit tests. */
export function combine(outcomes: readonly PolicyOutcome[]): AccessLevel {
  let read = false;
  let write = false;
  let denyWrite = false;
  for (const o of outcomes) {
    if (o.error !== undefined || o.rules.deny) return 'none';
    denyWrite ||= o.rules.deny_write === true;
    write ||= o.rules.write === true;
    read ||= o.rules.read === true;
  }
  if (write && !denyWrite) return 'write';
  if (read || write) return 'read';
  return 'none';
}

/** The `stack` part of a policy input document (contract: field names exactly as docs/policies.md). */
export function stackInput(stack: Stack): JsonObject {
  return {
    id: stack.id,
    administrative: stack.administrative,
    autodeploy: stack.autodeploy,
    branch: stack.branch ?? '',
    labels: [...stack.labels],
    locked_by: stack.locked_by,
    name: stack.name,
    namespace: stack.namespace ?? '',
    project_root: stack.project_root ?? '',
    repository: stack.repository ?? '',
    state: stack.state,
    terraform_version: stack.terraform_version ?? '',
  };
}

export class AccessService {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly engine: PolicyEngine,
    private readonly audit: AuditLog,
    private readonly options: {
      budgetMs?: number;
      observer?: AccessObserver;
      now?: () => Date;
    } = {},
  ) {}

  /** The subject's full access level to the stack (all four rules of every policy). */
  decide(subject: Subject, stack: Stack): Promise<AccessDecision> {
    return this.evaluate(subject, stack, RULES);
  }

  private async evaluate(subject: Subject, stack: Stack, rules: readonly string[]): Promise<AccessDecision> {
    if (subject.admin) return { level: 'write', outcomes: [] };
    const attached = await this.policies.attachedTo(stack.id, stack.labels, 'ACCESS');
    if (attached.length === 0) return { level: 'none', outcomes: [] };

    const input: JsonObject = { ...subject.input, stack: stackInput(stack) };
    // One budget for all policies of the request (docs/policies.md).
    const now = () => (this.options.now?.() ?? new Date()).getTime();
    const ends = now() + (this.options.budgetMs ?? 500);
    const deadline: Deadline = { remainingMs: () => ends - now() };
    const outcomes: PolicyOutcome[] = [];
    for (const policy of attached) {
      const started = performance.now();
      let outcome: PolicyOutcome;
      try {
        outcome = { policyId: policy.id, rules: this.engine.evaluateRules(policy, rules, input, deadline) };
      } catch (err) {
        const message =
          err instanceof PolicyEvaluationError
            ? `${err.code}: ${err.message}`
            : `internal_error: ${String(err)}`;
        outcome = { policyId: policy.id, rules: {}, error: message };
        await this.recordError(subject, stack, policy.id, message);
      }
      outcomes.push(outcome);
      this.options.observer?.policyEvaluated(summarize(outcome), performance.now() - started);
      // A deny cannot be overridden by later policies, so stop early.
      if (outcome.error !== undefined || outcome.rules.deny) break;
    }
    return { level: combine(outcomes), outcomes };
  }

  /**
   * Requires `needed` access and returns the level granted: the entry point of every action on a stack, from HTTP
   * and Slack alike. A subject that cannot even read gets NotFound, so existence is not disclosed; one that can read
   * but not write gets AccessDenied.
   */
  async require(
    subject: Subject,
    stack: Stack,
    needed: 'read' | 'write',
    action: string,
  ): Promise<'read' | 'write'> {
    const decision = await this.evaluate(subject, stack, RULES);
    if (decision.level === 'none') {
      this.options.observer?.accessDenied(needed);
      if (needed === 'write') await this.audit.denied(subject, action, `stack:${stack.id}`, 'no access');
      throw new NotFoundError('stack_not_found', `stack ${stack.id} does not exist`);
    }
    if (needed === 'write' && decision.level !== 'write') {
      this.options.observer?.accessDenied(needed);
      await this.audit.denied(subject, action, `stack:${stack.id}`, 'read-only access');
      throw new AccessDeniedError('access_denied', `write access to stack ${stack.id} is denied`);
    }
    return decision.level;
  }

  private async recordError(subject: Subject, stack: Stack, policyId: string, message: string) {
    const at = (this.options.now?.() ?? new Date()).toISOString();
    await this.policies.recordError(policyId, message, at);
    await this.audit.error(subject, 'policy.evaluate', `stack:${stack.id}`, `policy:${policyId}: ${message}`);
  }
}

function summarize(o: PolicyOutcome): 'allow' | 'deny' | 'none' | 'error' {
  if (o.error !== undefined) return 'error';
  if (o.rules.deny || o.rules.deny_write) return 'deny';
  if (o.rules.read || o.rules.write) return 'allow';
  return 'none';
}
