// The web UI's server side, as one Fastify plugin: session sign-in (cookie), "what may I do", live events, the
// policy workbench and the built SPA. Registered by the HTTP server (server.ts); the routes are in routes/.
//
// Endpoints:
//   GET  /auth/session                          {signed_in, me} (always 200)
//   POST /auth/sign-in {api_key}                sets the httpOnly SameSite=Strict session cookie
//   POST /auth/sign-out                         deletes the session, clears the cookie (204)
//   GET  /api/v1/me                             {login, name, admin, teams}
//   GET  /api/v1/me/stacks                      readable stacks + {access, latest_run}
//   GET  /api/v1/stacks/{id}/access             {access: "read"|"write"|"admin"} (404 when none)
//   GET  /api/v1/stacks/{id}/runs/{runId}/events  SSE: run, log, end
//   GET  /api/v1/events[?stack=id]              SSE: run
//   POST /api/v1/policies/evaluate              {body, rego_version, input} → {rules, access, error} (admin)
//   GET  /, /stacks/*, /policies/*, /settings/*, /sign-in   the SPA; other files from packages/web/dist
// Wherever the API takes `Authorization: Bearer`, the session cookie works too (see `sessionAuthenticator` in
// auth.ts).
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { PolicyEngine } from '../domain/policy-engine.js';
import type { RunEventFeed } from '../domain/runs.js';
import type { Services } from '../domain/services.js';
import { accessRoutes } from './routes/me.js';
import { eventRoutes } from './routes/events.js';
import { policyWorkbenchRoutes } from './routes/policy-workbench.js';
import { cookieAuthenticator, sessionRoutes } from './routes/sessions.js';
import type { WebSessions } from './session-cookie.js';
import { SseHub } from './sse.js';
import { staticRoutes } from './routes/static.js';

export interface WebUiOptions {
  services: Services;
  sessions: WebSessions;
  runEvents: RunEventFeed;
  /** The policy engine the workbench evaluates drafts with: its own, not the one of stored policies. */
  draftEngine: PolicyEngine;
  /** Served over https: the session cookie is `Secure`. */
  secureCookies: boolean;
  /** The SPA build; defaults to packages/web/dist. */
  distDir?: string;
}

const DEFAULT_DIST_DIR = resolve(import.meta.dirname, '../../../web/dist');

export function webUi(options: WebUiOptions): FastifyPluginAsync {
  const store = options.sessions;
  const hub = new SseHub();

  const routes: FastifyPluginAsync = async (app) => {
    const { services } = options;
    sessionRoutes(app, { services, store, secureCookies: options.secureCookies });
    accessRoutes(app, services);
    eventRoutes(app, { services, runEvents: options.runEvents, hub });
    policyWorkbenchRoutes(app, options.draftEngine);
    await staticRoutes(app, options.distDir ?? DEFAULT_DIST_DIR);
  };

  // The outer plugin is not encapsulated so the authenticator reaches the root instance that the API's auth hook
  // sees; the routes stay in their own context (their @fastify/static registration included).
  const plugin: FastifyPluginAsync = async (app: FastifyInstance) => {
    app.decorate('sessionAuthenticator', cookieAuthenticator(store));
    // Browsers keep event streams open; shutdown must not wait for them.
    app.addHook('preClose', async () => hub.closeAll());
    await app.register(routes);
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}
