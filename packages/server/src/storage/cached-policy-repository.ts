// PolicyRepository decorator: the policies applying to a stack are read on every non-admin request, so they are
// served from memory; every write through it invalidates (see AccessChanges for other instances).
import type { Policy, PolicyFields, PolicyRepository, PolicyType } from '../domain/policies.js';
import { AccessCache } from './access-cache.js';
import type { AccessChanges } from './access-changes.js';

export class CachedPolicyRepository implements PolicyRepository {
  private readonly attached = new Map<PolicyType, AccessCache<Policy[]>>();

  constructor(
    private readonly inner: PolicyRepository,
    private readonly changes: AccessChanges,
  ) {}

  /** The array is shared between requests: callers must not modify it. */
  attachedTo(stackId: string, stackLabels: readonly string[], type: PolicyType): Promise<Policy[]> {
    let cache = this.attached.get(type);
    if (!cache) this.attached.set(type, (cache = new AccessCache(this.changes)));
    // Keyed by the labels too: autoattach follows a label change without waiting for an invalidation.
    return cache.get(stackId, stackLabels, () => this.inner.attachedTo(stackId, stackLabels, type));
  }

  async create(policy: PolicyFields & { id: string }, at: string): Promise<Policy> {
    const created = await this.inner.create(policy, at);
    await this.changes.changed();
    return created;
  }

  async update(id: string, patch: Partial<PolicyFields>, at: string): Promise<Policy | undefined> {
    const updated = await this.inner.update(id, patch, at);
    await this.changes.changed();
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.inner.delete(id);
    await this.changes.changed();
    return deleted;
  }

  async attach(stackId: string, policyId: string, at: string): Promise<void> {
    await this.inner.attach(stackId, policyId, at);
    await this.changes.changed();
  }

  async detach(stackId: string, policyId: string): Promise<boolean> {
    const detached = await this.inner.detach(stackId, policyId);
    await this.changes.changed();
    return detached;
  }

  get(id: string): Promise<Policy | undefined> {
    return this.inner.get(id);
  }

  list(): Promise<Policy[]> {
    return this.inner.list();
  }

  explicitAttachments(stackId: string): Promise<string[]> {
    return this.inner.explicitAttachments(stackId);
  }

  /** Not an access change: the error is for admins to see, evaluation does not read it. */
  recordError(id: string, message: string, at: string): Promise<void> {
    return this.inner.recordError(id, message, at);
  }
}
