import { setTimeout as sleep } from 'node:timers/promises';
import { appMethods } from './apps.js';
import { authMethods } from './auth.js';
import { chatMethods } from './chat.js';
import { authenticate, authenticateApp } from './context.js';
import { conversationMethods } from './conversations.js';
import { SlackApiError } from './errors.js';
import { fileMethods } from './files.js';
import { historyMethods } from './history.js';
import { decodeRequest } from './params.js';
import { teamMethods } from './team.js';
import { unfurlMethods } from './unfurl.js';
import { userGroupMethods } from './usergroups.js';
import { userMethods } from './users.js';
import { viewMethods } from './views.js';
import { oauthMethods } from '../oauth.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.js';
import type { MethodSpec } from './method.js';
import type { SimServices } from '../services.js';
import type { ApiCall } from '../types.js';

const METHODS: Record<string, MethodSpec> = {
  ...oauthMethods,
  ...authMethods,
  ...appMethods,
  ...teamMethods,
  ...userMethods,
  ...userGroupMethods,
  ...conversationMethods,
  ...historyMethods,
  ...chatMethods,
  ...unfurlMethods,
  ...fileMethods,
  ...viewMethods,
};

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
  ok: boolean | null;
  error: string | null;
}

function json(
  status: number,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
): Answer {
  const ok = typeof payload.ok === 'boolean' ? payload.ok : null;
  const error = typeof payload.error === 'string' ? payload.error : null;
  return {
    status,
    body: JSON.stringify(payload),
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    ok,
    error,
  };
}

/**
 * `POST|GET /api/<method>`. Order of checks as Slack's edge applies them: injected faults (the edge
 * failing), unknown method, authentication, rate limit, then the method itself with its scope checks.
 * Every call is recorded, including the ones that fail.
 */
export async function handleWebApi(
  sim: SimServices,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
  rawBody: Buffer,
  query: URLSearchParams,
): Promise<void> {
  const call: ApiCall = {
    seq: sim.store.nextSeq(),
    at: sim.clock.now(),
    method,
    params: {},
    token: null,
    contentType: req.headers['content-type'] ?? null,
    httpStatus: 0,
    ok: null,
    error: null,
    appId: null,
    teamId: null,
  };
  sim.store.apiCalls.push(call);

  let decoded: ReturnType<typeof decodeRequest> | null = null;
  try {
    decoded = decodeRequest(req.headers['content-type'], rawBody, query, req.headers.authorization);
    call.params = decoded.params;
    call.token = decoded.token;
  } catch {
    // Reported below, after faults, like any other argument error.
  }

  const fault = sim.faults.take(method);
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault.terminal?.kind === 'drop') {
    call.error = 'connection_dropped';
    req.socket.destroy();
    return;
  }
  let answer: Answer;
  if (fault.terminal?.kind === 'http_error') {
    const status = fault.terminal.status ?? 503;
    answer = {
      status,
      body: fault.terminal.body ?? `<html><body>${status} Service Unavailable</body></html>`,
      headers: { 'content-type': 'text/html' },
      ok: null,
      error: null,
    };
  } else if (fault.terminal?.kind === 'api_error') {
    answer = json(200, { ok: false, error: fault.terminal.error });
  } else {
    answer = await run(sim, method, req, rawBody, query, decoded, call);
  }
  call.httpStatus = answer.status;
  call.ok = answer.ok;
  call.error = answer.error;
  if (!res.destroyed) {
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }
}

async function run(
  sim: SimServices,
  method: string,
  req: IncomingMessage,
  rawBody: Buffer,
  query: URLSearchParams,
  decoded: ReturnType<typeof decodeRequest> | null,
  call: ApiCall,
): Promise<Answer> {
  const spec = METHODS[method];
  if (!spec) return json(200, { ok: false, error: 'unknown_method', req_method: method });
  const headers: Record<string, string> = {};
  try {
    decoded ??= decodeRequest(req.headers['content-type'], rawBody, query, req.headers.authorization);
    const ctx: ApiContext = {
      sim,
      method,
      params: decoded.params,
      auth: null,
      appAuth: null,
      basicAuth: decoded.basicAuth,
      acceptedScopes: null,
    };
    let rateScope: string;
    if (spec.auth === 'app') {
      ctx.appAuth = authenticateApp(sim, decoded.token, decoded.tokenFromHeader, spec.appScope ?? '');
      call.appId = ctx.appAuth.app.id;
      headers['x-oauth-scopes'] = ctx.appAuth.token.scopes.join(',');
      rateScope = `app:${ctx.appAuth.app.id}`;
    } else if (spec.auth) {
      ctx.auth = authenticate(sim, decoded.token, decoded.params);
      call.appId = ctx.auth.app.id;
      call.teamId = ctx.auth.teamId;
      headers['x-oauth-scopes'] = ctx.auth.token.scopes.join(',');
      rateScope = `${ctx.auth.app.id}|${ctx.auth.installation.teamId ?? ctx.auth.installation.enterpriseId}`;
    } else {
      rateScope = `client:${String(decoded.params.client_id ?? decoded.basicAuth?.user ?? '')}`;
    }
    const decision = sim.rateLimits.take(method, rateScope, spec.rateKey?.(ctx));
    if (!decision.allowed) {
      return json(
        429,
        { ok: false, error: 'ratelimited' },
        { ...headers, 'retry-after': String(decision.retryAfterSeconds) },
      );
    }
    try {
      const result = await spec.handler(ctx);
      return json(200, { ok: true, ...result }, withAcceptedScopes(headers, ctx));
    } catch (err) {
      // Scope errors too report which scopes the method accepts.
      withAcceptedScopes(headers, ctx);
      throw err;
    }
  } catch (err) {
    if (err instanceof SlackApiError) return json(200, { ok: false, error: err.code, ...err.extra }, headers);
    // A bug in the simulator must not look like a Slack answer.
    const message = err instanceof Error ? err.message : String(err);
    return json(500, { ok: false, error: 'simulator_internal_error', detail: message }, headers);
  }
}

function withAcceptedScopes(headers: Record<string, string>, ctx: ApiContext): Record<string, string> {
  if (ctx.acceptedScopes) headers['x-accepted-oauth-scopes'] = ctx.acceptedScopes.join(',');
  return headers;
}
