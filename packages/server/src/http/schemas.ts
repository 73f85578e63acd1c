// Request schemas (zod). Objects are strict: unknown fields are a 400, not silently dropped.
import { z } from 'zod';
import { POLICY_TYPES } from '../domain/policies.js';
import { SLUG_PATTERN, STACK_TOOLS } from '../domain/stacks.js';
import { parseVersionConstraint } from '../domain/tool-versions.js';

const slug = z
  .string()
  .regex(
    SLUG_PATTERN,
    'must be a slug: lowercase letters, digits, "-" or "_", 1-64 characters, starting and ending with a letter or digit',
  );

const label = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const labels = z.array(label).max(100, 'at most 100 labels');
const nonEmpty = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const command = z.string().min(1, 'must not be empty').max(65_536, 'must be at most 65536 characters');

const projectRoot = z
  .string()
  .max(1000)
  .refine(
    (v) => !v.startsWith('/') && !v.split('/').includes('..'),
    'must be a relative path inside the repository',
  );

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const env = z
  .record(z.string().regex(envName, 'must be a valid environment variable name'), z.string().max(65_536))
  .refine((e) => Object.keys(e).length <= 200, 'at most 200 variables')
  .refine((e) => !Object.keys(e).some((k) => k.startsWith('LIFTOFF_')), 'LIFTOFF_* variables are reserved');

export const commandsSchema = z.strictObject({
  init: command.nullable().optional(),
  plan: command,
  apply: command,
});

// The fields a stack is created with and can later change (in the same order in both schemas).
const stackFields = {
  name: nonEmpty(200).optional(),
  description: z.string().max(10_000).optional(),
  labels: labels.optional(),
  repository: nonEmpty(2000).nullable().optional(),
  branch: nonEmpty(250).nullable().optional(),
  project_root: projectRoot.nullable().optional(),
  autodeploy: z.boolean().optional(),
  administrative: z.boolean().optional(),
  tool: z
    .enum(STACK_TOOLS, { message: 'must be "terraform", "opentofu" or null' })
    .nullable()
    .optional()
    .describe('Tool preset (docs/runs.md): with a tool, `commands` may be omitted for its standard workflow'),
};
const stackRuntimeFields = {
  namespace: nonEmpty(250).nullable().optional(),
  terraform_version: nonEmpty(50)
    .refine(
      (v) => parseVersionConstraint(v) !== null,
      'must be a version ("1.11.4", "1.11") or a constraint ("~> 1.11", ">= 1.5, < 2.0")',
    )
    .nullable()
    .optional(),
};

export const stackCreateSchema = z
  .strictObject({
    id: slug,
    ...stackFields,
    commands: commandsSchema
      .nullable()
      .optional()
      .describe("Omitted or null with a tool: the tool's standard workflow"),
    env: env.optional(),
    ...stackRuntimeFields,
  })
  // The domain checks this too (on update it knows the stack's tool); here it is named with the other fields, even
  // when they have problems of their own (`when`).
  .refine((body) => Boolean(body.tool) || Boolean(body.commands), {
    path: ['commands'],
    message: 'required unless tool is "terraform" or "opentofu"',
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });

export const stackPatchSchema = z.strictObject({
  ...stackFields,
  // Partial: only the commands given change (`init: null` removes the init command); null: the tool's workflow.
  commands: commandsSchema.partial().nullable().optional(),
  env: env.optional(),
  locked_by: nonEmpty(250).nullable().optional(),
  ...stackRuntimeFields,
});

export const policyCreateSchema = z.strictObject({
  id: slug,
  name: nonEmpty(200).optional(),
  type: z.enum(POLICY_TYPES, { message: `must be one of ${POLICY_TYPES.map((t) => `"${t}"`).join(', ')}` }),
  body: z
    .string()
    .min(1, 'must not be empty')
    .max(256 * 1024, 'must be at most 256 KiB'),
  rego_version: z.enum(['v1', 'v0'], { message: 'must be "v1" or "v0"' }).optional(),
  labels: labels.optional(),
});

export const policyPatchSchema = z.strictObject({
  name: nonEmpty(200).optional(),
  body: z
    .string()
    .min(1, 'must not be empty')
    .max(256 * 1024, 'must be at most 256 KiB')
    .optional(),
  rego_version: z.enum(['v1', 'v0'], { message: 'must be "v1" or "v0"' }).optional(),
  labels: labels.optional(),
});

export const runTriggerSchema = z.strictObject({
  commit: z
    .strictObject({
      hash: z.string().regex(/^[0-9a-f]{7,64}$/, 'must be a hex commit hash'),
      message: z.string().max(10_000).optional(),
      author: z.string().max(500).optional(),
    })
    .optional(),
});

export const apiKeyCreateSchema = z.strictObject({
  name: nonEmpty(200),
  admin: z.boolean().optional(),
  teams: z.array(nonEmpty(200)).max(100, 'at most 100 teams').optional(),
  login: nonEmpty(200).optional(),
});

/** POST /auth/sign-in (the web UI's session, src/http/web). */
export const signInSchema = z.strictObject({ api_key: z.string().min(1, 'must not be empty').max(500) });

/** POST /api/v1/policies/evaluate: a draft policy and the input document to evaluate it against. */
export const policyEvaluateSchema = z.strictObject({
  body: z
    .string()
    .min(1, 'must not be empty')
    .max(256 * 1024, 'must be at most 256 KiB'),
  rego_version: z.enum(['v1', 'v0'], { message: 'must be "v1" or "v0"' }).optional(),
  type: z
    .enum(POLICY_TYPES, { message: `must be one of ${POLICY_TYPES.map((t) => `"${t}"`).join(', ')}` })
    .optional()
    .describe('Which rules to evaluate (default ACCESS)'),
  input: z.record(z.string(), z.unknown()),
});

/** ULIDs: 26 Crockford base32 characters. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
