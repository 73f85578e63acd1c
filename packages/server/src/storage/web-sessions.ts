// Server-side web sessions. The cookie carries a random token; the database keeps its SHA-256, the API key it
// stands for and when it expires. Signing out deletes the row, so a copied cookie stops working at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKey } from '../domain/api-keys.js';
import { toKey } from './api-key-repository.js';
import type { Database } from './schema.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A session unused this long ends; each use pushes its expiry this far ahead (sliding). */
export const SESSION_IDLE_MS = 7 * DAY_MS;
/** However much it is used, a session ends this long after sign-in: a stolen cookie is not good forever. */
export const SESSION_MAX_MS = 30 * DAY_MS;
/** The expiry is pushed ahead at most this often, so ordinary use does not write to the database every request. */
const EXTEND_EVERY_MS = 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class SessionStore {
  readonly maxAgeMs = SESSION_MAX_MS;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a session for `key`; returns the cookie token (never stored). */
  async create(key: ApiKey, ip: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    // Expired rows are only garbage; clearing them here keeps the table small without a timer.
    await this.db.deleteFrom('web_sessions').where('expires_at', '<', now.toISOString()).execute();
    await this.db
      .insertInto('web_sessions')
      .values({
        id: hashToken(token),
        api_key_id: key.id,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
        created_ip: ip,
      })
      .execute();
    return token;
  }

  /**
   * The API key behind a live session, or undefined (unknown, expired, or the key was revoked). Using a session
   * extends it by SESSION_IDLE_MS, up to SESSION_MAX_MS after it was created.
   */
  async resolve(token: string): Promise<ApiKey | undefined> {
    const id = hashToken(token);
    const now = this.now();
    const row = await this.db
      .selectFrom('web_sessions')
      .innerJoin('api_keys', 'api_keys.id', 'web_sessions.api_key_id')
      .select([
        'api_keys.id as id',
        'api_keys.name as name',
        'api_keys.login as login',
        'api_keys.admin as admin',
        'api_keys.teams as teams',
        'api_keys.created_at as created_at',
        'api_keys.created_by as created_by',
        'web_sessions.created_at as session_created_at',
        'web_sessions.expires_at as session_expires_at',
      ])
      .where('web_sessions.id', '=', id)
      .where('web_sessions.expires_at', '>', now.toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    await this.extend(id, row.session_created_at, row.session_expires_at, now);
    return toKey(row);
  }

  private async extend(id: string, createdAt: string, expiresAt: string, now: Date): Promise<void> {
    const extended = Math.min(now.getTime() + SESSION_IDLE_MS, Date.parse(createdAt) + SESSION_MAX_MS);
    if (extended - Date.parse(expiresAt) < EXTEND_EVERY_MS) return;
    await this.db
      .updateTable('web_sessions')
      .set({ expires_at: new Date(extended).toISOString() })
      .where('id', '=', id)
      .execute();
  }

  async delete(token: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('id', '=', hashToken(token)).execute();
  }
}
