// Bearer API-key authentication. Resolves the request's subject once; routes ask for admin or stack access.
import type { FastifyRequest } from 'fastify';
import type { ApiKey, ApiKeyService } from '../domain/api-keys.js';
import { httpSubject, type Subject } from '../domain/subjects.js';
import { HttpError } from './errors.js';

/** Credentials other than a bearer key (the web UI's session cookie, src/http/web); null when there are none. */
export type SessionAuthenticator = (request: FastifyRequest) => Promise<Subject | null>;

declare module 'fastify' {
  interface FastifyRequest {
    subject: Subject | null;
  }
  interface FastifyInstance {
    sessionAuthenticator?: SessionAuthenticator;
  }
}

export async function authenticate(request: FastifyRequest, apiKeys: ApiKeyService): Promise<Subject> {
  const header = request.headers.authorization;
  if (!header) {
    const session = await request.server.sessionAuthenticator?.(request);
    if (session) return session;
  }
  if (!header) throw new HttpError(401, 'unauthorized', 'missing Authorization: Bearer <api key> header');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'unauthorized', 'the Authorization header must be "Bearer <api key>"');
  const key = await apiKeys.authenticate(match[1]!);
  if (!key) throw new HttpError(401, 'unauthorized', 'invalid API key');
  return keySubject(key, request, true);
}

/**
 * The subject acting with an API key. `machine` (the policy input's session.machine) is true for a bearer key,
 * false for a person signed in to the web UI with one.
 */
export function keySubject(key: ApiKey, request: FastifyRequest, machine: boolean): Subject {
  return httpSubject(
    { admin: key.admin, login: key.login, name: key.name, teams: key.teams, machine },
    request.ip,
  );
}

export function subjectOf(request: FastifyRequest): Subject {
  if (!request.subject)
    throw new HttpError(401, 'unauthorized', 'missing Authorization: Bearer <api key> header');
  return request.subject;
}

export function requireAdmin(request: FastifyRequest): Subject {
  const subject = subjectOf(request);
  if (!subject.admin) throw new HttpError(403, 'admin_required', 'this action requires an admin API key');
  return subject;
}
