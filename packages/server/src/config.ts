// Configuration from the environment (README.md, Configuration: a contract, names and defaults stay exactly as
// documented).
// Every variable is validated up front so a bad value stops start-up with a message naming the variable;
// messages never echo secret values.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  database: DatabaseConfig;
  adminToken: string | undefined;
  /** 32 bytes; undefined only until resolved by `resolveEncryptionKey` (SQLite generates one). */
  encryptionKey: Buffer | undefined;
  runner: 'embedded' | 'off';
  logLevel: string;
  slack: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    signingSecret: string | undefined;
    stateSecret: string | undefined;
    apiUrl: string;
    authorizeUrl: string;
    command: string;
  };
  /** Runner tuning (not part of the contract; defaults suit production). */
  runnerPollMs: number;
  workerLeaseMs: number;
  runnerConcurrency: number;
  /** Largest plan artifact kept, compressed (LIFTOFF_ARTIFACT_MAX_BYTES; docs/runs.md). */
  artifactMaxBytes: number;
  /**
   * Behind a load balancer, which proxies' X-Forwarded-For to believe, so that `input.request.remote_ip` is the
   * client's address (Fastify's trustProxy). Off by default: a spoofed header must not change access decisions.
   */
  trustProxy: boolean | string[];
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const DEFAULT_SQLITE_PATH = './data/liftoff.db';
/** 512 MiB: a `.terraform` with several large providers compresses well below this. */
const DEFAULT_ARTIFACT_MAX_BYTES = 512 * 1024 * 1024;

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

function url(message: string) {
  return z.string().refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, message);
}

const intInRange = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);

// Each entry validates one variable; values that are secrets are never put into messages.
const schemas = {
  PORT: intInRange(0, 65535).optional(),
  HOST: z.string().min(1, 'must not be empty').optional(),
  PUBLIC_URL: url('must be an http(s) URL').optional(),
  DATABASE_URL: z
    .string()
    .refine(
      (v) => v.startsWith('sqlite:') || v.startsWith('postgres://') || v.startsWith('postgresql://'),
      'must be sqlite:<path> or postgres://…',
    )
    .optional(),
  LIFTOFF_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  LIFTOFF_ENCRYPTION_KEY: z.string().optional(),
  LIFTOFF_RUNNER: z.enum(['embedded', 'off'], { message: 'must be "embedded" or "off"' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString,
  SLACK_API_URL: url('must be an http(s) URL').optional(),
  SLACK_AUTHORIZE_URL: url('must be an http(s) URL').optional(),
  SLACK_COMMAND: z
    .string()
    .regex(/^\/[a-z0-9_-]{1,31}$/, 'must look like /name')
    .optional(),
  LIFTOFF_RUNNER_POLL_MS: intInRange(10, 60_000).optional(),
  LIFTOFF_WORKER_LEASE_MS: intInRange(1_000, 3_600_000).optional(),
  LIFTOFF_RUNNER_CONCURRENCY: intInRange(1, 64).optional(),
  LIFTOFF_ARTIFACT_MAX_BYTES: intInRange(1024, 2 ** 40).optional(),
  LIFTOFF_TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/,
      'must be true, false or a list of proxy IPs/CIDRs',
    )
    .optional(),
} as const;

type Parsed = { [K in keyof typeof schemas]: z.output<(typeof schemas)[K]> };

/** Parses a 32-byte key given as base64 or hex. */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === 32) return bytes;
  }
  throw new ConfigError('LIFTOFF_ENCRYPTION_KEY', 'must be 32 bytes, base64 or hex encoded');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(schemas)) {
    const raw = env[name];
    const result = (schema as z.ZodType).safeParse(
      raw === '' && name !== 'LIFTOFF_ENCRYPTION_KEY' ? undefined : raw,
    );
    if (!result.success) {
      throw new ConfigError(name, result.error.issues[0]?.message ?? 'invalid value');
    }
    parsed[name] = result.data;
  }
  const p = parsed as Parsed;

  const port = p.PORT ?? 3000;
  const dbUrl = p.DATABASE_URL;
  let database: DatabaseConfig;
  if (dbUrl === undefined) database = { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  else if (dbUrl.startsWith('sqlite:')) {
    const path = dbUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '')
      throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/liftoff.db');
    database = { kind: 'sqlite', path };
  } else {
    try {
      new URL(dbUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid postgres:// URL');
    }
    database = { kind: 'postgres', url: dbUrl };
  }

  let encryptionKey: Buffer | undefined;
  if (p.LIFTOFF_ENCRYPTION_KEY !== undefined && p.LIFTOFF_ENCRYPTION_KEY !== '') {
    encryptionKey = parseEncryptionKey(p.LIFTOFF_ENCRYPTION_KEY);
  } else if (database.kind === 'postgres') {
    throw new ConfigError(
      'LIFTOFF_ENCRYPTION_KEY',
      'is required with a PostgreSQL DATABASE_URL (32 bytes, base64 or hex)',
    );
  }

  return {
    port,
    host: p.HOST ?? '127.0.0.1',
    publicUrl: (p.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    database,
    adminToken: p.LIFTOFF_ADMIN_TOKEN,
    encryptionKey,
    runner: p.LIFTOFF_RUNNER ?? 'embedded',
    logLevel: p.LOG_LEVEL ?? 'info',
    slack: {
      clientId: p.SLACK_CLIENT_ID,
      clientSecret: p.SLACK_CLIENT_SECRET,
      signingSecret: p.SLACK_SIGNING_SECRET,
      stateSecret: p.SLACK_STATE_SECRET,
      apiUrl: p.SLACK_API_URL ?? 'https://slack.com/api/',
      authorizeUrl: p.SLACK_AUTHORIZE_URL ?? 'https://slack.com/oauth/v2/authorize',
      command: p.SLACK_COMMAND ?? '/liftoff',
    },
    runnerPollMs: p.LIFTOFF_RUNNER_POLL_MS ?? 1000,
    workerLeaseMs: p.LIFTOFF_WORKER_LEASE_MS ?? 30_000,
    runnerConcurrency: p.LIFTOFF_RUNNER_CONCURRENCY ?? 4,
    artifactMaxBytes: p.LIFTOFF_ARTIFACT_MAX_BYTES ?? DEFAULT_ARTIFACT_MAX_BYTES,
    trustProxy: parseTrustProxy(p.LIFTOFF_TRUST_PROXY),
  };
}

/**
 * For SQLite the key lives next to the database (`encryption.key`, mode 0600), generated on first start, so an
 * embedded install needs no configuration. PostgreSQL deployments must pass it explicitly (checked in loadConfig)
 * because several instances have to share it.
 */
export function resolveEncryptionKey(config: Config): Buffer {
  if (config.encryptionKey) return config.encryptionKey;
  if (config.database.kind !== 'sqlite') {
    throw new ConfigError('LIFTOFF_ENCRYPTION_KEY', 'is required with a PostgreSQL DATABASE_URL');
  }
  if (config.database.path === ':memory:') return randomBytes(32);
  const file = resolve(dirname(config.database.path), 'encryption.key');
  if (existsSync(file)) {
    try {
      return parseEncryptionKey(readFileSync(file, 'utf8'));
    } catch {
      throw new ConfigError('LIFTOFF_ENCRYPTION_KEY', `the generated key file ${file} is corrupt`);
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32);
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process (e.g. `liftoff migrate` next to `liftoff start`) created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return parseEncryptionKey(readFileSync(file, 'utf8'));
    throw err;
  }
  chmodSync(file, 0o600);
  return key;
}

function parseTrustProxy(value: string | undefined): boolean | string[] {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',');
}

/** The Slack credentials not set: the integration needs all three. */
export function missingSlackEnv(config: Config): string[] {
  const s = config.slack;
  return [
    ...(s.clientId ? [] : ['SLACK_CLIENT_ID']),
    ...(s.clientSecret ? [] : ['SLACK_CLIENT_SECRET']),
    ...(s.signingSecret ? [] : ['SLACK_SIGNING_SECRET']),
  ];
}

/** Slack is on only with all three credentials. */
export function slackEnabled(config: Config): boolean {
  return missingSlackEnv(config).length === 0;
}
