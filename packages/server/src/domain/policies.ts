// Policies: Rego documents attached to stacks explicitly or by `autoattach:<label>` labels.
import { NotFoundError } from './errors.js';
import type { AuditLog } from './audit.js';
import type { PolicyEngine, RegoVersion } from './policy-engine.js';
import type { Subject } from './subjects.js';

export type { RegoVersion };

/**
 * ACCESS decides who may read or write a stack; APPROVAL decides whether an unconfirmed run may be confirmed;
 * NOTIFICATION routes run updates to Slack channels (docs/policies.md). All are attached the same way.
 */
export const POLICY_TYPES = ['ACCESS', 'APPROVAL', 'NOTIFICATION'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

/** The rules each type of policy is evaluated for, named as in the system Liftoff follows (docs/policies.md). */
export const POLICY_RULES = {
  ACCESS: ['read', 'write', 'deny', 'deny_write'],
  APPROVAL: ['approve', 'reject'],
  NOTIFICATION: ['slack'],
} as const satisfies Record<PolicyType, readonly string[]>;

export interface PolicyFields {
  name: string;
  type: PolicyType;
  body: string;
  rego_version: RegoVersion;
  labels: string[];
}

export interface Policy extends PolicyFields {
  id: string;
  /** Bumped on every update; compiled policies are cached by (id, revision). */
  revision: number;
  /** Most recent run-time error (shown to admins), if any. */
  last_error: string | null;
  last_error_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PolicyRepository {
  create(policy: PolicyFields & { id: string }, at: string): Promise<Policy>;
  get(id: string): Promise<Policy | undefined>;
  list(): Promise<Policy[]>;
  update(id: string, patch: Partial<PolicyFields>, at: string): Promise<Policy | undefined>;
  delete(id: string): Promise<boolean>;
  attach(stackId: string, policyId: string, at: string): Promise<void>;
  detach(stackId: string, policyId: string): Promise<boolean>;
  /** Policies of `type` attached to the stack explicitly or through `autoattach:` labels. */
  attachedTo(stackId: string, stackLabels: readonly string[], type: PolicyType): Promise<Policy[]>;
  /** Ids of policies attached explicitly. */
  explicitAttachments(stackId: string): Promise<string[]>;
  recordError(id: string, message: string, at: string): Promise<void>;
}

const AUTOATTACH = 'autoattach:';

/** Whether a policy's labels attach it automatically to a stack with `stackLabels`. */
export function autoattaches(policyLabels: readonly string[], stackLabels: readonly string[]): boolean {
  for (const label of policyLabels) {
    if (!label.startsWith(AUTOATTACH)) continue;
    const wanted = label.slice(AUTOATTACH.length);
    if (wanted === '*' || stackLabels.includes(wanted)) return true;
  }
  return false;
}

export class PolicyService {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly engine: PolicyEngine,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(subject: Subject, fields: PolicyFields & { id: string }): Promise<Policy> {
    this.engine.validate(fields.id, fields.body, fields.rego_version);
    const policy = await this.policies.create(fields, this.now().toISOString());
    await this.audit.allowed(subject, 'policy.create', `policy:${policy.id}`);
    return policy;
  }

  async get(id: string): Promise<Policy> {
    const policy = await this.policies.get(id);
    if (!policy) throw new NotFoundError('policy_not_found', `policy ${id} does not exist`);
    return policy;
  }

  list(): Promise<Policy[]> {
    return this.policies.list();
  }

  async update(subject: Subject, id: string, patch: Partial<PolicyFields>): Promise<Policy> {
    const current = await this.get(id);
    if (patch.body !== undefined || patch.rego_version !== undefined) {
      this.engine.validate(id, patch.body ?? current.body, patch.rego_version ?? current.rego_version);
    }
    const policy = await this.policies.update(id, patch, this.now().toISOString());
    if (!policy) throw new NotFoundError('policy_not_found', `policy ${id} does not exist`);
    await this.audit.allowed(subject, 'policy.update', `policy:${id}`);
    return policy;
  }

  async delete(subject: Subject, id: string): Promise<void> {
    if (!(await this.policies.delete(id)))
      throw new NotFoundError('policy_not_found', `policy ${id} does not exist`);
    await this.audit.allowed(subject, 'policy.delete', `policy:${id}`);
  }

  async attach(subject: Subject, stackId: string, policyId: string): Promise<void> {
    await this.get(policyId);
    await this.policies.attach(stackId, policyId, this.now().toISOString());
    await this.audit.allowed(subject, 'policy.attach', `stack:${stackId}`, `policy:${policyId}`);
  }

  async detach(subject: Subject, stackId: string, policyId: string): Promise<void> {
    await this.get(policyId);
    if (!(await this.policies.detach(stackId, policyId))) {
      throw new NotFoundError(
        'attachment_not_found',
        `policy ${policyId} is not attached to stack ${stackId}`,
      );
    }
    await this.audit.allowed(subject, 'policy.detach', `stack:${stackId}`, `policy:${policyId}`);
  }

  attachments(stackId: string): Promise<string[]> {
    return this.policies.explicitAttachments(stackId);
  }
}
