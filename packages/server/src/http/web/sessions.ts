// Server-side web sessions. The cookie carries a random token; the database keeps its SHA-256, the API key it
// stands for and an absolute expiry. Signing out deletes the row, so a copied cookie stops working at once.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKey } from '../../domain/api-keys.js';
import type { Database } from '../../storage/schema.js';

export interface WebSessionsTable {
  id: string;
  api_key_id: string;
  created_at: string;
  expires_at: string;
  created_ip: string;
}

type WebDatabase = Database & { web_sessions: WebSessionsTable };

export const SESSION_COOKIE = 'liftoff_session';
/** Absolute lifetime: an operator signs in about once a week. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class SessionStore {
  private readonly db: Kysely<WebDatabase>;

  constructor(
    db: Kysely<Database>,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.db = db as unknown as Kysely<WebDatabase>;
  }

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
        expires_at: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
        created_ip: ip,
      })
      .execute();
    return token;
  }

  /** The API key behind a live session, or undefined (unknown, expired, or the key was revoked). */
  async resolve(token: string): Promise<{ key: ApiKey; createdIp: string } | undefined> {
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
        'web_sessions.created_ip as created_ip',
      ])
      .where('web_sessions.id', '=', hashToken(token))
      .where('web_sessions.expires_at', '>', this.now().toISOString())
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      key: {
        id: row.id,
        name: row.name,
        login: row.login,
        admin: Boolean(row.admin),
        teams: JSON.parse(row.teams) as string[],
        created_at: row.created_at,
        created_by: row.created_by,
      },
      createdIp: row.created_ip,
    };
  }

  async delete(token: string): Promise<void> {
    await this.db.deleteFrom('web_sessions').where('id', '=', hashToken(token)).execute();
  }
}

/**
 * The value of one cookie from a Cookie header (no dependency on a cookie plugin being registered). A value that
 * is not valid percent-encoding counts as absent: it cannot be a token this server set.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** httpOnly so scripts cannot read it; SameSite=Strict so other sites cannot ride on it. */
export function sessionCookie(token: string, secure: boolean, maxAgeSeconds = SESSION_TTL_MS / 1000): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', secure, 0);
}
