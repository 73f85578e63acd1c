// ApiKeyRepository decorator: every API request looks its key up by secret hash, so known keys are served from
// memory; deleting a key invalidates (see AccessChanges for other instances).
import type { ApiKey, ApiKeyRepository } from '../domain/api-keys.js';
import { AccessCache } from './access-cache.js';
import type { AccessChanges } from './access-changes.js';

export class CachedApiKeyRepository implements ApiKeyRepository {
  private readonly bySecretHash: AccessCache<ApiKey | undefined>;

  constructor(
    private readonly inner: ApiKeyRepository,
    private readonly changes: AccessChanges,
  ) {
    this.bySecretHash = new AccessCache(changes);
  }

  /** The key is shared between requests: callers must not modify it. */
  findBySecretHash(hash: string): Promise<ApiKey | undefined> {
    return this.bySecretHash.get(
      hash,
      undefined,
      () => this.inner.findBySecretHash(hash),
      (key) => key !== undefined,
    );
  }

  async create(key: ApiKey, secretHash: string): Promise<void> {
    await this.inner.create(key, secretHash);
    await this.changes.changed();
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.inner.delete(id);
    await this.changes.changed();
    return deleted;
  }

  list(): Promise<ApiKey[]> {
    return this.inner.list();
  }
}
