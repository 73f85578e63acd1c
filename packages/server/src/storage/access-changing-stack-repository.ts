// StackRepository decorator for the writers of stacks: creating or deleting a stack (which drops its attachments)
// and changing its labels (autoattach) change which policies apply to it, so caches of those are invalidated.
import type { Stack, StackFields, StackRepository } from '../domain/stacks.js';
import type { AccessChanges } from './access-changes.js';

export class AccessChangingStackRepository implements StackRepository {
  constructor(
    private readonly inner: StackRepository,
    private readonly changes: AccessChanges,
  ) {}

  async create(stack: StackFields & { id: string }, at: string): Promise<Stack> {
    const created = await this.inner.create(stack, at);
    await this.changes.changed();
    return created;
  }

  async update(id: string, patch: Partial<StackFields>, at: string): Promise<Stack | undefined> {
    const updated = await this.inner.update(id, patch, at);
    if (patch.labels !== undefined) await this.changes.changed();
    return updated;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.inner.delete(id);
    await this.changes.changed();
    return deleted;
  }

  get(id: string): Promise<Stack | undefined> {
    return this.inner.get(id);
  }

  list(): Promise<Stack[]> {
    return this.inner.list();
  }

  hasUnfinishedRuns(id: string): Promise<boolean> {
    return this.inner.hasUnfinishedRuns(id);
  }
}
