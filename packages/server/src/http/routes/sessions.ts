// Sign-in with an API key → session cookie; sign-out; who am I. `/auth/*` sits outside `/api/` so the API's
// bearer check does not apply to it; `/api/v1/me` is an ordinary API route (bearer or cookie).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Subject } from '../../domain/subjects.js';
import { keySubject, subjectOf } from '../auth.js';
import { HttpError } from '../errors.js';
import { signInSchema } from '../schemas.js';
import { parseBody } from '../validation.js';
import {
  clearedSessionCookie,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  type WebSessions,
} from '../session-cookie.js';

interface Me {
  login: string;
  name: string;
  admin: boolean;
  teams: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the session cookie to a subject, or null when there is none. Cookie-authenticated writes must come
 * from this origin: SameSite=Strict already keeps other sites' requests cookie-less, this also covers old browsers.
 */
export function cookieAuthenticator(store: WebSessions) {
  return async (request: FastifyRequest): Promise<Subject | null> => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (!token) return null;
    const key = await store.resolve(token);
    if (!key) return null;
    if (!SAFE_METHODS.has(request.method)) assertSameOrigin(request);
    // A person at a keyboard: `machine` is false in the policy input.
    return keySubject(key, request, false);
  };
}

function assertSameOrigin(request: FastifyRequest) {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    throw new HttpError(403, 'cross_site_request', 'cross-site requests cannot use the session cookie');
  }
  const origin = request.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      host = '';
    }
    if (host !== request.headers.host) {
      throw new HttpError(403, 'cross_site_request', 'cross-site requests cannot use the session cookie');
    }
  }
}

function meOf(subject: Subject): Me {
  const session = (subject.input.session ?? {}) as { name?: string; teams?: string[] };
  return {
    login: subject.actor,
    name: session.name ?? subject.actor,
    admin: subject.admin,
    teams: session.teams ?? [],
  };
}

export function sessionRoutes(
  app: FastifyInstance,
  deps: {
    services: Services;
    store: WebSessions;
    secureCookies: boolean;
  },
) {
  const { services, store } = deps;
  const authenticate = cookieAuthenticator(store);

  const info = (subject: Subject | null) => ({
    signed_in: subject !== null,
    me: subject ? meOf(subject) : null,
  });

  // Always 200, so loading the UI while signed out does not log a failed request.
  app.get('/auth/session', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return info(await authenticate(request));
  });

  app.post('/auth/sign-in', async (request, reply) => {
    const { api_key } = parseBody(signInSchema, request.body);
    assertSameOrigin(request);
    const key = await services.apiKeys.authenticate(api_key);
    if (!key) throw new HttpError(401, 'unauthorized', 'invalid API key');
    // A fresh token on every sign-in (no session fixation); the browser's previous session, if any, ends.
    const previous = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (previous) await store.delete(previous);
    const token = await store.create(key, request.ip);
    const subject = keySubject(key, request, false);
    await services.audit.allowed(subject, 'session.sign_in', `api_key:${key.id}`);
    reply.header('set-cookie', sessionCookie(token, deps.secureCookies, store.maxAgeMs / 1000));
    reply.header('cache-control', 'no-store');
    return info(subject);
  });

  app.post('/auth/sign-out', async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (token) await store.delete(token);
    reply.header('set-cookie', clearedSessionCookie(deps.secureCookies));
    return reply.status(204).send();
  });

  app.get('/api/v1/me', async (request) => meOf(subjectOf(request)));
}
