// The web UI's session cookie. The session behind it lives in the database (storage/web-sessions.ts).
import type { ApiKey } from '../domain/api-keys.js';

export const SESSION_COOKIE = 'liftoff_session';

/** Server-side sessions, as the cookie authenticator and the sign-in routes need them. */
export interface WebSessions {
  /** However much it is used, a session ends this long after sign-in: the cookie is kept as long. */
  readonly maxAgeMs: number;
  /** Creates a session for `key`; returns the cookie token. */
  create(key: ApiKey, ip: string): Promise<string>;
  /** The API key behind a live session, or undefined. */
  resolve(token: string): Promise<ApiKey | undefined>;
  delete(token: string): Promise<void>;
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

/**
 * httpOnly so scripts cannot read it; SameSite=Strict so other sites cannot ride on it. The browser keeps it for
 * the session's longest possible life; the server decides when it has expired.
 */
export function sessionCookie(token: string, secure: boolean, maxAgeSeconds: number): string {
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
