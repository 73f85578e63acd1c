// Response shapes of the API as zod schemas: the OpenAPI document's components (openapi.ts), from which the web
// client's types are generated (packages/web/src/lib/api-types.generated.ts). The type checks at the end tie each
// shape to what the presenters really return, so a field added to a response cannot be missing here.
import { z } from 'zod';
import type { ApiKey } from '../domain/api-keys.js';
import type { AuditEvent } from '../domain/audit.js';
import { POLICY_TYPES } from '../domain/policies.js';
import { RUN_STATES } from '../domain/run-states.js';
import { STACK_TOOLS } from '../domain/stacks.js';
import type { presentPolicy, presentRun, presentStack } from './presenters.js';

const timestamp = z.string().describe('ISO 8601 time');
const runState = z.enum(RUN_STATES);

const stack = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  labels: z.array(z.string()),
  repository: z.string().nullable(),
  branch: z.string().nullable(),
  project_root: z.string().nullable(),
  autodeploy: z.boolean(),
  administrative: z.boolean(),
  tool: z.enum(STACK_TOOLS).nullable().describe('Tool preset; null: custom commands'),
  commands: z
    .object({ init: z.string().nullable(), plan: z.string(), apply: z.string() })
    .nullable()
    .describe("null: the tool's standard workflow (init, plan to a saved plan, apply that plan)"),
  env: z.record(z.string(), z.string()).describe('Values are shown to admins only; others see "********".'),
  locked_by: z.string().nullable(),
  namespace: z.string().nullable(),
  terraform_version: z.string().nullable(),
  state: z.union([runState, z.literal('NONE')]).describe("State of the stack's latest tracked run"),
  created_at: timestamp,
  updated_at: timestamp,
});

const runHistoryEntry = z.object({
  state: runState,
  at: timestamp,
  by: z.string().nullable(),
  note: z.string().nullable(),
});

const resourceChange = z.object({
  address: z.string(),
  action: z.enum(['create', 'update', 'delete', 'replace', 'read', 'forget', 'other']),
  actions: z.array(z.string()).describe('Terraform\'s own list of actions, e.g. ["delete", "create"]'),
});

const run = z.object({
  id: z.string(),
  stack_id: z.string(),
  type: z.literal('TRACKED'),
  state: runState,
  triggered_by: z.string(),
  commit: z.object({ hash: z.string(), message: z.string(), author: z.string() }).nullable(),
  delta: z.object({ add: z.number().int(), change: z.number().int(), destroy: z.number().int() }).nullable(),
  resource_changes: z
    .array(resourceChange)
    .nullable()
    .describe('Planned resource changes from the saved plan (tool presets); null when not known'),
  history: z.array(runHistoryEntry),
  created_at: timestamp,
  updated_at: timestamp,
});

const runLogs = z.object({
  run_id: z.string(),
  state: runState,
  cursor: z.number().int().describe('Pass back as `after` to get only newer output'),
  logs: z.array(z.object({ phase: z.string(), text: z.string() })),
});

const policy = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(POLICY_TYPES),
  body: z.string(),
  rego_version: z.enum(['v1', 'v0']),
  labels: z.array(z.string()),
  revision: z.number().int(),
  last_error: z.string().nullable(),
  last_error_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
  attached_stacks: z.array(z.string()).optional(),
});

const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  login: z.string(),
  admin: z.boolean(),
  teams: z.array(z.string()),
  created_at: timestamp,
  created_by: z.string(),
});

const auditEvent = z.object({
  id: z.number().int(),
  at: timestamp,
  actor: z.string(),
  channel: z.string().nullable().describe('Slack channel of a Slack request'),
  action: z.string(),
  target: z.string(),
  decision: z.enum(['allowed', 'denied', 'error']),
  detail: z.string().nullable(),
});

const access = z.enum(['read', 'write', 'admin']);

const me = z.object({ login: z.string(), name: z.string(), admin: z.boolean(), teams: z.array(z.string()) });

const slackIntegration = z.object({
  connected: z.boolean(),
  configured: z.boolean(),
  missing_env: z.array(z.string()),
  team: z.object({ id: z.string(), name: z.string() }).nullable(),
  enterprise: z.object({ id: z.string(), name: z.string() }).nullable(),
  is_enterprise_install: z.boolean(),
  scopes: z.array(z.string()),
  installed_by: z.string().nullable(),
  installed_at: timestamp.nullable(),
  bot_user_id: z.string().nullable(),
  deactivated_reason: z.string().nullable().describe('Why an earlier link stopped working'),
  deactivated_at: timestamp.nullable(),
  install_url: z.string().nullable(),
  manifest_url: z.string(),
});

/** The schemas, by the name they have under #/components/schemas. */
export const responseSchemas = {
  RunState: runState,
  Stack: stack,
  StackOverview: z.intersection(stack, z.object({ access, latest_run: run.nullable() })),
  Run: run,
  RunHistoryEntry: runHistoryEntry,
  ResourceChange: resourceChange,
  RunLogs: runLogs,
  Policy: policy,
  PolicyEvaluation: z.object({
    type: z.enum(POLICY_TYPES),
    rules: z.record(z.string(), z.boolean()).describe('Whether each rule of the type is true'),
    values: z
      .record(z.string(), z.unknown())
      .describe('The value of each rule that is defined (sets as arrays), e.g. the messages of `slack`'),
    access: z
      .enum(['none', 'read', 'write'])
      .describe('ACCESS policies: the access this policy alone grants'),
    error: z.string().nullable(),
  }),
  ApiKey: apiKey,
  NewApiKey: z.intersection(apiKey, z.object({ secret: z.string().describe('Shown once, at creation') })),
  AuditEvent: auditEvent,
  Access: z.object({ access }),
  Me: me,
  SessionInfo: z.object({ signed_in: z.boolean(), me: me.nullable() }),
  Subscription: z.object({
    channel_id: z.string(),
    channel_name: z.string(),
    created_by: z.string(),
    created_at: timestamp,
    disabled_reason: z.string().nullable().describe('Why delivery to the channel stopped'),
  }),
  SlackIntegration: slackIntegration,
  Health: z.object({ status: z.literal('ok') }),
} as const;

export type ResponseName = keyof typeof responseSchemas;

/** The components of the OpenAPI document: the schemas above, referring to each other by $ref. */
export function responseComponents(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(responseSchemas)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'output' });
  // Each schema is a component, not a standalone document: drop the keys that would make it one.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]),
  );
}

// What the presenters return must be exactly these shapes (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Out<K extends ResponseName> = z.output<(typeof responseSchemas)[K]>;
export const _shapesMatch: [
  Same<Out<'Stack'>, ReturnType<typeof presentStack>>,
  Same<Out<'Run'>, ReturnType<typeof presentRun>>,
  Same<Out<'Policy'>, ReturnType<typeof presentPolicy>>,
  Same<Out<'ApiKey'>, ApiKey>,
  Same<Out<'AuditEvent'>, AuditEvent>,
] = [true, true, true, true, true];
