// API keys: bearer secrets for HTTP sessions. Only a SHA-256 hash of the secret is stored; the secret is shown
// once, at creation.
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { NotFoundError } from './errors.js';
import type { AuditLog } from './audit.js';
import type { Subject } from './subjects.js';

export interface ApiKey {
  id: string;
  name: string;
  login: string;
  admin: boolean;
  teams: string[];
  created_at: string;
  created_by: string;
}

export interface ApiKeyRepository {
  create(key: ApiKey, secretHash: string): Promise<void>;
  findBySecretHash(hash: string): Promise<ApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  delete(id: string): Promise<boolean>;
}

const BOOTSTRAP_NAME = 'LIFTOFF_ADMIN_TOKEN';
const SYSTEM_ACTOR = 'system';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A prefix makes leaked keys recognisable by secret scanners. */
function newSecret(): string {
  return `lft_${randomBytes(32).toString('base64url')}`;
}

export interface NewApiKey {
  name: string;
  admin: boolean;
  teams: string[];
  login?: string;
}

export class ApiKeyService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    subject: Subject,
    input: NewApiKey,
    secret: string = newSecret(),
  ): Promise<{ key: ApiKey; secret: string }> {
    const id = ulid();
    const key: ApiKey = {
      id,
      name: input.name,
      // The login policies see for an API-key session unless one is given (docs/policies.md).
      login: input.login ?? `api::${id}`,
      admin: input.admin,
      teams: [...input.teams],
      created_at: this.now().toISOString(),
      created_by: subject.actor,
    };
    await this.keys.create(key, hashSecret(secret));
    await this.audit.allowed(subject, 'api_key.create', `api_key:${id}`);
    return { key, secret };
  }

  authenticate(secret: string): Promise<ApiKey | undefined> {
    return this.keys.findBySecretHash(hashSecret(secret));
  }

  list(): Promise<ApiKey[]> {
    return this.keys.list();
  }

  async delete(subject: Subject, id: string): Promise<void> {
    if (!(await this.keys.delete(id)))
      throw new NotFoundError('api_key_not_found', `API key ${id} does not exist`);
    await this.audit.allowed(subject, 'api_key.delete', `api_key:${id}`);
  }

  /**
   * `LIFTOFF_ADMIN_TOKEN`: make sure an admin key with exactly this secret exists. Idempotent. Keys made from an
   * earlier value of the variable are removed, so rotating the token revokes the old one.
   */
  async ensureAdminToken(subject: Subject, secret: string): Promise<ApiKey> {
    const key = await this.bootstrapKey(subject, secret);
    for (const other of await this.keys.list()) {
      if (other.id !== key.id && other.name === BOOTSTRAP_NAME && other.created_by === SYSTEM_ACTOR) {
        await this.keys.delete(other.id);
        await this.audit.allowed(
          subject,
          'api_key.delete',
          `api_key:${other.id}`,
          'LIFTOFF_ADMIN_TOKEN rotated',
        );
      }
    }
    return key;
  }

  private async bootstrapKey(subject: Subject, secret: string): Promise<ApiKey> {
    const existing = await this.keys.findBySecretHash(hashSecret(secret));
    if (existing) return existing;
    try {
      const { key } = await this.create(
        subject,
        { name: BOOTSTRAP_NAME, admin: true, teams: [], login: 'admin' },
        secret,
      );
      return key;
    } catch (err) {
      // Another instance sharing the database may have created it at the same moment.
      const raced = await this.keys.findBySecretHash(hashSecret(secret));
      if (raced) return raced;
      throw err;
    }
  }
}
