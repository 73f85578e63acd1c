// The OpenAPI 3.1 document served at /api/v1/openapi.json, with request bodies generated from the zod schemas
// the routes validate with, so the document cannot drift from the validation, and responses from the shapes of
// responses.ts (tied to the presenters). The web client's types are generated from it
// (packages/web/scripts/api-types.ts).
import { z } from 'zod';
import {
  apiKeyCreateSchema,
  policyCreateSchema,
  policyEvaluateSchema,
  policyPatchSchema,
  runTriggerSchema,
  signInSchema,
  stackCreateSchema,
  stackPatchSchema,
} from './schemas.js';
import { responseComponents, type ResponseName } from './responses.js';
import { SESSION_COOKIE } from './session-cookie.js';

const error = { $ref: '#/components/schemas/Error' };
const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
  },
};

/** A JSON answer of one of responses.ts's shapes, or a list of them. */
function json(name: ResponseName, description: string, list = false) {
  const ref = { $ref: `#/components/schemas/${name}` };
  return {
    description,
    content: { 'application/json': { schema: list ? { type: 'array', items: ref } : ref } },
  };
}

const ok = (name: ResponseName, description = 'OK') => ({ '200': json(name, description) });
const okList = (name: ResponseName, description = 'OK') => ({ '200': json(name, description, true) });
const created = (name: ResponseName, description: string) => ({ '201': json(name, description) });

/** Request bodies, by the name they have under #/components/schemas: the zod schemas the routes validate with. */
const REQUEST_BODIES = {
  StackCreate: stackCreateSchema,
  StackPatch: stackPatchSchema,
  RunTrigger: runTriggerSchema,
  PolicyCreate: policyCreateSchema,
  PolicyPatch: policyPatchSchema,
  PolicyEvaluate: policyEvaluateSchema,
  ApiKeyCreate: apiKeyCreateSchema,
  SignIn: signInSchema,
} as const;

function requestSchema(name: keyof typeof REQUEST_BODIES) {
  return z.toJSONSchema(REQUEST_BODIES[name] as z.ZodType, { io: 'input' });
}

/** Inline in the operation (readers of the document see the fields where they are used), and a component too. */
function body(name: keyof typeof REQUEST_BODIES) {
  return { required: true, content: { 'application/json': { schema: requestSchema(name) } } };
}

function requestComponents() {
  return Object.fromEntries(
    Object.keys(REQUEST_BODIES).map((name) => {
      const { $schema: _schema, ...json } = requestSchema(name as keyof typeof REQUEST_BODIES);
      return [name, json];
    }),
  );
}

/** The error answers every operation may give, shared as components (`{"error":{"code","message"}}`). */
const ERRORS = {
  '400': ['InvalidInput', 'Invalid input'],
  '401': ['Unauthorized', 'Missing or invalid API key'],
  '403': ['AccessDenied', 'Access denied'],
  '404': ['NotFound', 'Unknown or not readable'],
  '409': ['Conflict', 'Illegal state transition or conflict'],
  '413': ['TooLarge', 'Body over 1 MB'],
} as const;

function errorResponses() {
  return Object.fromEntries(
    Object.values(ERRORS).map(([name, description]) => [
      name,
      { description, content: { 'application/json': { schema: error } } },
    ]),
  );
}

function op(summary: string, extra: Record<string, unknown> = {}, answers: Record<string, unknown>) {
  return {
    summary,
    ...extra,
    responses: {
      ...answers,
      ...Object.fromEntries(
        Object.entries(ERRORS).map(([status, [name]]) => [
          status,
          { $ref: `#/components/responses/${name}` },
        ]),
      ),
    },
  };
}

const stackId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const runId = { name: 'runId', in: 'path', required: true, schema: { type: 'string' } };
const policyId = { name: 'policyId', in: 'path', required: true, schema: { type: 'string' } };

/** The web UI's live updates: the reply is a server-sent-events stream, not JSON. */
function eventStream(description: string) {
  return { '200': { description, content: { 'text/event-stream': { schema: { type: 'string' } } } } };
}

export function openApiDocument(publicUrl: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Liftoff API', version: '1' },
    servers: [{ url: publicUrl }],
    // Wherever a bearer key is accepted, the web UI's session cookie (POST /auth/sign-in) is too.
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
      },
      schemas: { ...responseComponents(), ...requestComponents(), Error: errorSchema },
      responses: errorResponses(),
    },
    paths: {
      '/healthz': { get: { ...op('Health check', {}, ok('Health')), security: [] } },
      '/api/v1/stacks': {
        get: op('List stacks readable by the caller', {}, okList('Stack')),
        post: op(
          'Create a stack (admin)',
          { requestBody: body('StackCreate') },
          created('Stack', 'The stack'),
        ),
      },
      '/api/v1/stacks/{id}': {
        parameters: [stackId],
        get: op('Get a stack (read access)', {}, ok('Stack')),
        patch: op('Change a stack (admin)', { requestBody: body('StackPatch') }, ok('Stack')),
        delete: op('Delete a stack (admin)', {}, { '204': { description: 'Deleted' } }),
      },
      '/api/v1/stacks/{id}/policies': {
        parameters: [stackId],
        get: op(
          'Explicitly attached policy ids (admin)',
          {},
          {
            '200': {
              description: 'Policy ids',
              content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } },
            },
          },
        ),
      },
      '/api/v1/stacks/{id}/policies/{policyId}': {
        parameters: [stackId, policyId],
        put: op('Attach a policy (admin)', {}, { '204': { description: 'Attached' } }),
        delete: op('Detach a policy (admin)', {}, { '204': { description: 'Detached' } }),
      },
      '/api/v1/stacks/{id}/runs': {
        parameters: [stackId],
        get: op('List runs, newest first (read access)', {}, okList('Run')),
        post: op(
          'Trigger a tracked run (write access)',
          { requestBody: { ...body('RunTrigger'), required: false } },
          created('Run', 'The run'),
        ),
      },
      '/api/v1/stacks/{id}/runs/{runId}': {
        parameters: [stackId, runId],
        get: op('Get a run (read access)', {}, ok('Run')),
      },
      ...Object.fromEntries(
        (['confirm', 'discard', 'stop', 'cancel'] as const).map((a) => [
          `/api/v1/stacks/{id}/runs/{runId}/${a}`,
          {
            parameters: [stackId, runId],
            post: op(`${a[0]!.toUpperCase()}${a.slice(1)} a run (write access)`, {}, ok('Run')),
          },
        ]),
      ),
      '/api/v1/stacks/{id}/runs/{runId}/logs': {
        parameters: [
          stackId,
          runId,
          { name: 'after', in: 'query', required: false, schema: { type: 'integer' } },
        ],
        get: op(
          'Run logs by phase; pass `cursor` back as `after` to follow a live run (read access)',
          {},
          ok('RunLogs'),
        ),
      },
      '/api/v1/policies': {
        get: op('List policies (admin)', {}, okList('Policy')),
        post: op(
          'Create a policy (admin); a body that does not compile is refused with line and column',
          { requestBody: body('PolicyCreate') },
          created('Policy', 'The policy'),
        ),
      },
      '/api/v1/policies/{id}': {
        parameters: [stackId],
        get: op('Get a policy (admin)', {}, ok('Policy')),
        patch: op('Change a policy (admin)', { requestBody: body('PolicyPatch') }, ok('Policy')),
        delete: op('Delete a policy (admin)', {}, { '204': { description: 'Deleted' } }),
      },
      '/api/v1/api-keys': {
        get: op('List API keys (admin)', {}, okList('ApiKey')),
        post: op(
          'Create an API key (admin); the secret is returned once',
          { requestBody: body('ApiKeyCreate') },
          created('NewApiKey', 'The key and its secret'),
        ),
      },
      '/api/v1/api-keys/{id}': {
        parameters: [stackId],
        delete: op('Delete an API key (admin)', {}, { '204': { description: 'Deleted' } }),
      },
      '/api/v1/audit-events': {
        get: op(
          'Audit events, newest first (admin)',
          {
            parameters: [
              { name: 'limit', in: 'query', required: false, schema: { type: 'integer' } },
              { name: 'before', in: 'query', required: false, schema: { type: 'integer' } },
            ],
          },
          okList('AuditEvent'),
        ),
      },
      '/auth/session': {
        get: {
          ...op('Whether the browser is signed in, and who as', {}, ok('SessionInfo')),
          security: [],
        },
      },
      '/auth/sign-in': {
        post: {
          ...op(
            'Exchange an API key for an httpOnly SameSite=Strict session cookie',
            { requestBody: body('SignIn') },
            ok('SessionInfo'),
          ),
          security: [],
        },
      },
      '/auth/sign-out': {
        post: {
          ...op('End the session and clear its cookie', {}, { '204': { description: 'Signed out' } }),
          security: [],
        },
      },
      '/api/v1/me': { get: op('The caller: login, name, admin, teams', {}, ok('Me')) },
      '/api/v1/me/stacks': {
        get: op(
          "Stacks readable by the caller, each with the caller's access and its latest run",
          {},
          okList('StackOverview'),
        ),
      },
      '/api/v1/stacks/{id}/access': {
        parameters: [stackId],
        get: op("The caller's access to a stack: read, write or admin (404 when none)", {}, ok('Access')),
      },
      '/api/v1/stacks/{id}/runs/{runId}/events': {
        parameters: [stackId, runId],
        get: op(
          'Follow a run (read access)',
          {},
          eventStream(
            'Events `run` (on every change), `log` (output chunks) and `end` (terminal, output drained)',
          ),
        ),
      },
      '/api/v1/events': {
        parameters: [{ name: 'stack', in: 'query', required: false, schema: { type: 'string' } }],
        get: op(
          'Follow state changes of runs the caller may read, optionally of one stack',
          {},
          eventStream('Event `run` for every state change'),
        ),
      },
      '/api/v1/policies/evaluate': {
        post: op(
          'Evaluate a draft policy against an input document without saving it (admin)',
          { requestBody: body('PolicyEvaluate') },
          ok('PolicyEvaluation', 'The rules, the access they grant, and the error that denied it'),
        ),
      },
      '/metrics': {
        get: {
          ...op(
            'Prometheus metrics',
            {},
            {
              '200': {
                description: 'Prometheus text format',
                content: { 'text/plain': { schema: { type: 'string' } } },
              },
            },
          ),
          security: [],
        },
      },
      '/api/v1/integrations/slack': {
        get: op('The Slack integration: configured, linked, to which workspace', {}, ok('SlackIntegration')),
        delete: op('Disconnect Slack (admin): revokes the bot token', {}, ok('SlackIntegration')),
      },
      '/api/v1/stacks/{id}/subscriptions': {
        parameters: [stackId],
        get: op('Slack channels following the stack (read access)', {}, okList('Subscription')),
      },
    },
  };
}
