// The server's REST API as the UI uses it. Its types are generated from the server's OpenAPI document
// (api-types.generated.ts, `npm run api-types`), so a field the server adds or changes reaches the UI's types.
// Requests ride on the httpOnly session cookie; the UI never sees an API key after sign-in.
import type { components } from './api-types.generated';

type Schemas = components['schemas'];

export type Stack = Schemas['Stack'];
export type StackOverview = Schemas['StackOverview'];
export type Run = Schemas['Run'];
export type RunState = Run['state'];
export type RunHistoryEntry = Schemas['RunHistoryEntry'];
export type Policy = Schemas['Policy'];
export type PolicyEvaluation = Schemas['PolicyEvaluation'];
export type ApiKey = Schemas['ApiKey'];
export type NewApiKey = Schemas['NewApiKey'];
export type AuditEvent = Schemas['AuditEvent'];
export type Me = Schemas['Me'];
/** GET /auth/session: answers 200 whether or not signed in, so the first page load logs no failed request. */
export type SessionInfo = Schemas['SessionInfo'];
export type Subscription = Schemas['Subscription'];
/** GET /api/v1/integrations/slack (packages/server/src/slack/platform/status.ts). */
export type SlackIntegration = Schemas['SlackIntegration'];
export type Access = Schemas['Access']['access'] | 'none';

export const TERMINAL_STATES: readonly RunState[] = [
  'FINISHED',
  'FAILED',
  'DISCARDED',
  'CANCELED',
  'STOPPED',
];

/** A chunk of run output as the live event stream sends it (GET …/runs/{runId}/events, event `log`). */
export interface LogChunk {
  id: number;
  phase: string;
  text: string;
  at: string;
}

export interface AttachedPolicy {
  id: string;
  name: string;
  /** `explicit`: attached by an admin; `auto`: through an `autoattach:` label. */
  via: 'explicit' | 'auto';
}

/** Same rule as the server's autoattaches(): `autoattach:<label>` matches a stack label, `autoattach:*` all. */
export function attachedPolicies(
  policies: Policy[],
  explicitIds: string[],
  stackLabels: string[],
): AttachedPolicy[] {
  const out: AttachedPolicy[] = [];
  for (const p of policies) {
    if (explicitIds.includes(p.id)) out.push({ id: p.id, name: p.name, via: 'explicit' });
    else if (
      p.labels.some(
        (l) => l.startsWith('autoattach:') && (l === 'autoattach:*' || stackLabels.includes(l.slice(11))),
      )
    )
      out.push({ id: p.id, name: p.name, via: 'auto' });
  }
  return out;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers:
      body === undefined
        ? { accept: 'application/json' }
        : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | undefined)?.error;
    if (res.status === 401 && !path.startsWith('/auth/')) {
      window.dispatchEvent(new CustomEvent('liftoff:unauthorized'));
    }
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText, data);
  }
  return data as T;
}

/** Lists may come bare or wrapped (`{stacks: [...]}`); accept both so the UI does not hinge on the wrapper. */
function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  if (data && typeof data === 'object') {
    const wrapped = (data as Record<string, unknown>)[key] ?? (data as Record<string, unknown>).items;
    if (Array.isArray(wrapped)) return wrapped as T[];
  }
  return [];
}

const enc = encodeURIComponent;

export const api = {
  session: () => request<SessionInfo>('GET', '/auth/session'),
  signIn: (apiKey: string) => request<SessionInfo>('POST', '/auth/sign-in', { api_key: apiKey }),
  signOut: () => request<void>('POST', '/auth/sign-out', {}),

  stacks: async () => listOf<StackOverview>(await request('GET', '/api/v1/me/stacks'), 'stacks'),
  stack: (id: string) => request<Stack>('GET', `/api/v1/stacks/${enc(id)}`),
  stackAccess: async (id: string) =>
    (await request<{ access: Access }>('GET', `/api/v1/stacks/${enc(id)}/access`)).access,
  createStack: (body: Schemas['StackCreate']) => request<Stack>('POST', '/api/v1/stacks', body),
  updateStack: (id: string, body: Schemas['StackPatch']) =>
    request<Stack>('PATCH', `/api/v1/stacks/${enc(id)}`, body),
  deleteStack: (id: string) => request<void>('DELETE', `/api/v1/stacks/${enc(id)}`),

  runs: async (stackId: string) =>
    listOf<Run>(await request('GET', `/api/v1/stacks/${enc(stackId)}/runs`), 'runs'),
  run: (stackId: string, runId: string) =>
    request<Run>('GET', `/api/v1/stacks/${enc(stackId)}/runs/${enc(runId)}`),
  trigger: (stackId: string) => request<Run>('POST', `/api/v1/stacks/${enc(stackId)}/runs`, {}),
  runAction: (stackId: string, runId: string, action: 'confirm' | 'discard' | 'stop') =>
    request<Run>('POST', `/api/v1/stacks/${enc(stackId)}/runs/${enc(runId)}/${action}`, {}),

  policies: async () => listOf<Policy>(await request('GET', '/api/v1/policies'), 'policies'),
  policy: (id: string) => request<Policy>('GET', `/api/v1/policies/${enc(id)}`),
  createPolicy: (body: Schemas['PolicyCreate']) => request<Policy>('POST', '/api/v1/policies', body),
  updatePolicy: (id: string, body: Schemas['PolicyPatch']) =>
    request<Policy>('PATCH', `/api/v1/policies/${enc(id)}`, body),
  deletePolicy: (id: string) => request<void>('DELETE', `/api/v1/policies/${enc(id)}`),
  evaluatePolicy: (body: Schemas['PolicyEvaluate']) =>
    request<PolicyEvaluation>('POST', '/api/v1/policies/evaluate', body),
  /** Ids of policies attached explicitly; `autoattach:` ones are worked out from labels (see attachedPolicies). */
  stackPolicyIds: async (stackId: string) =>
    listOf<string>(await request('GET', `/api/v1/stacks/${enc(stackId)}/policies`), 'policies'),
  attach: (stackId: string, policyId: string) =>
    request<void>('PUT', `/api/v1/stacks/${enc(stackId)}/policies/${enc(policyId)}`),
  detach: (stackId: string, policyId: string) =>
    request<void>('DELETE', `/api/v1/stacks/${enc(stackId)}/policies/${enc(policyId)}`),

  subscriptions: async (stackId: string) =>
    listOf<Subscription>(
      await request('GET', `/api/v1/stacks/${enc(stackId)}/subscriptions`),
      'subscriptions',
    ),

  slack: () => request<SlackIntegration>('GET', '/api/v1/integrations/slack'),
  slackDisconnect: () => request<void>('DELETE', '/api/v1/integrations/slack'),
  slackManifest: () => request<unknown>('GET', '/slack/manifest'),

  apiKeys: async () => listOf<ApiKey>(await request('GET', '/api/v1/api-keys'), 'api_keys'),
  createApiKey: (body: Schemas['ApiKeyCreate']) => request<NewApiKey>('POST', '/api/v1/api-keys', body),
  revokeApiKey: (id: string) => request<void>('DELETE', `/api/v1/api-keys/${enc(id)}`),

  auditEvents: async (before?: number) =>
    listOf<AuditEvent>(
      await request('GET', `/api/v1/audit-events?limit=100${before ? `&before=${before}` : ''}`),
      'events',
    ),
};

/** Line and column of a Rego compile error, from the 400's fields or its message ("line 3, column 5"). */
export function compileErrorPosition(err: unknown): { line: number; column: number; message: string } | null {
  if (!(err instanceof ApiError) || err.status !== 400) return null;
  const e = (err.body as { error?: { line?: number; column?: number; message?: string } } | undefined)?.error;
  if (e && typeof e.line === 'number') return { line: e.line, column: e.column ?? 1, message: err.message };
  const m = /line (\d+)(?:, column (\d+))?/.exec(err.message);
  if (!m) return null;
  return { line: Number(m[1]), column: m[2] ? Number(m[2]) : 1, message: err.message };
}
