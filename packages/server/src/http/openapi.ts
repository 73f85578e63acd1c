// The OpenAPI 3.1 document served at /api/v1/openapi.json, with request bodies generated from the zod schemas
// the routes validate with, so the document cannot drift from the validation.
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
import { SESSION_COOKIE } from './session-cookie.js';

const error = {
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

function body(schema: z.ZodType) {
  return {
    required: true,
    content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } },
  };
}

function op(
  summary: string,
  extra: Record<string, unknown> = {},
  ok: Record<string, unknown> = { '200': { description: 'OK' } },
) {
  return {
    summary,
    ...extra,
    responses: {
      ...ok,
      '400': { description: 'Invalid input', content: { 'application/json': { schema: error } } },
      '401': {
        description: 'Missing or invalid API key',
        content: { 'application/json': { schema: error } },
      },
      '403': { description: 'Access denied', content: { 'application/json': { schema: error } } },
      '404': { description: 'Unknown or not readable', content: { 'application/json': { schema: error } } },
      '409': {
        description: 'Illegal state transition or conflict',
        content: { 'application/json': { schema: error } },
      },
      '413': { description: 'Body over 1 MB', content: { 'application/json': { schema: error } } },
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
    },
    paths: {
      '/healthz': { get: { ...op('Health check'), security: [] } },
      '/api/v1/stacks': {
        get: op('List stacks readable by the caller'),
        post: op(
          'Create a stack (admin)',
          { requestBody: body(stackCreateSchema) },
          { '201': { description: 'The stack' } },
        ),
      },
      '/api/v1/stacks/{id}': {
        parameters: [stackId],
        get: op('Get a stack (read access)'),
        patch: op('Change a stack (admin)', { requestBody: body(stackPatchSchema) }),
        delete: op('Delete a stack (admin)', {}, { '204': { description: 'Deleted' } }),
      },
      '/api/v1/stacks/{id}/policies': {
        parameters: [stackId],
        get: op('Explicitly attached policy ids (admin)'),
      },
      '/api/v1/stacks/{id}/policies/{policyId}': {
        parameters: [stackId, policyId],
        put: op('Attach a policy (admin)', {}, { '204': { description: 'Attached' } }),
        delete: op('Detach a policy (admin)', {}, { '204': { description: 'Detached' } }),
      },
      '/api/v1/stacks/{id}/runs': {
        parameters: [stackId],
        get: op('List runs, newest first (read access)'),
        post: op(
          'Trigger a tracked run (write access)',
          { requestBody: { ...body(runTriggerSchema), required: false } },
          { '201': { description: 'The run' } },
        ),
      },
      '/api/v1/stacks/{id}/runs/{runId}': {
        parameters: [stackId, runId],
        get: op('Get a run (read access)'),
      },
      ...Object.fromEntries(
        (['confirm', 'discard', 'stop', 'cancel'] as const).map((a) => [
          `/api/v1/stacks/{id}/runs/{runId}/${a}`,
          {
            parameters: [stackId, runId],
            post: op(`${a[0]!.toUpperCase()}${a.slice(1)} a run (write access)`),
          },
        ]),
      ),
      '/api/v1/stacks/{id}/runs/{runId}/logs': {
        parameters: [
          stackId,
          runId,
          { name: 'after', in: 'query', required: false, schema: { type: 'integer' } },
        ],
        get: op('Run logs by phase; pass `cursor` back as `after` to follow a live run (read access)'),
      },
      '/api/v1/policies': {
        get: op('List policies (admin)'),
        post: op(
          'Create a policy (admin); a body that does not compile is refused with line and column',
          { requestBody: body(policyCreateSchema) },
          { '201': { description: 'The policy' } },
        ),
      },
      '/api/v1/policies/{id}': {
        parameters: [stackId],
        get: op('Get a policy (admin)'),
        patch: op('Change a policy (admin)', { requestBody: body(policyPatchSchema) }),
        delete: op('Delete a policy (admin)', {}, { '204': { description: 'Deleted' } }),
      },
      '/api/v1/api-keys': {
        get: op('List API keys (admin)'),
        post: op(
          'Create an API key (admin); the secret is returned once',
          { requestBody: body(apiKeyCreateSchema) },
          { '201': { description: '{"id","secret",…}' } },
        ),
      },
      '/api/v1/api-keys/{id}': {
        parameters: [stackId],
        delete: op('Delete an API key (admin)', {}, { '204': { description: 'Deleted' } }),
      },
      '/api/v1/audit-events': { get: op('Audit events, newest first (admin)') },
      '/auth/session': {
        get: {
          ...op('Whether the browser is signed in, and who as'),
          security: [],
        },
      },
      '/auth/sign-in': {
        post: {
          ...op('Exchange an API key for an httpOnly SameSite=Strict session cookie', {
            requestBody: body(signInSchema),
          }),
          security: [],
        },
      },
      '/auth/sign-out': {
        post: {
          ...op('End the session and clear its cookie', {}, { '204': { description: 'Signed out' } }),
          security: [],
        },
      },
      '/api/v1/me': { get: op('The caller: login, name, admin, teams') },
      '/api/v1/me/stacks': {
        get: op("Stacks readable by the caller, each with the caller's access and its latest run"),
      },
      '/api/v1/stacks/{id}/access': {
        parameters: [stackId],
        get: op("The caller's access to a stack: read, write or admin (404 when none)"),
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
          { requestBody: body(policyEvaluateSchema) },
          { '200': { description: '{"rules","access","error"}' } },
        ),
      },
      '/metrics': { get: { ...op('Prometheus metrics'), security: [] } },
    },
  };
}
