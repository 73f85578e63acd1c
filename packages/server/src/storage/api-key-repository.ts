// ApiKeyRepository on Kysely.
import type { Kysely, Selectable } from 'kysely';
import { ConflictError } from '../domain/errors.js';
import type { ApiKey, ApiKeyRepository } from '../domain/api-keys.js';
import { isUniqueViolation } from './database.js';
import type { ApiKeysTable, Database } from './schema.js';

/** An `api_keys` row (its secret hash not needed) as the domain's ApiKey. */
export function toKey(row: Omit<Selectable<ApiKeysTable>, 'secret_hash'>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    login: row.login,
    admin: Boolean(row.admin),
    teams: JSON.parse(row.teams) as string[],
    created_at: row.created_at,
    created_by: row.created_by,
  };
}

export class KyselyApiKeyRepository implements ApiKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async create(key: ApiKey, secretHash: string): Promise<void> {
    try {
      await this.db
        .insertInto('api_keys')
        .values({
          id: key.id,
          name: key.name,
          login: key.login,
          admin: key.admin ? 1 : 0,
          teams: JSON.stringify(key.teams),
          secret_hash: secretHash,
          created_at: key.created_at,
          created_by: key.created_by,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError('api_key_exists', 'an API key with this secret already exists');
      throw err;
    }
  }

  async findBySecretHash(hash: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('secret_hash', '=', hash)
      .executeTakeFirst();
    return row ? toKey(row) : undefined;
  }

  async list(): Promise<ApiKey[]> {
    return (await this.db.selectFrom('api_keys').selectAll().orderBy('id').execute()).map(toKey);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_keys').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
