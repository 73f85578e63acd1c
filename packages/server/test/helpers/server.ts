// Test harness: a full Liftoff (HTTP + embedded runner) on port 0 with a real SQLite file or PostgreSQL schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLiftoff, type Liftoff } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestServer {
  liftoff: Liftoff;
  url: string;
  dir: string;
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T }>;
  waitForRun(stackId: string, runId: string, states: string[], timeoutMs?: number): Promise<RunJson>;
  close(): Promise<void>;
}

export interface RunJson {
  id: string;
  state: string;
  delta: { add: number; change: number; destroy: number } | null;
  history: Array<{ state: string; by: string | null; note: string | null }>;
  triggered_by: string;
}

/** The settings every test Liftoff starts from: port 0, a SQLite file in `dir` unless a database is given, the test
 * admin token and encryption key, the runner polling every `runnerPollMs`, no logs. */
export function testEnv(
  dir: string,
  databaseUrl: string | undefined,
  runnerPollMs: number,
): Record<string, string> {
  return {
    PORT: '0',
    DATABASE_URL: databaseUrl ?? `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN,
    LIFTOFF_ENCRYPTION_KEY: 'a'.repeat(64),
    LIFTOFF_RUNNER_POLL_MS: String(runnerPollMs),
    LOG_LEVEL: 'silent',
  };
}

export async function startServer(
  options: {
    databaseUrl?: string;
    runner?: boolean;
    env?: Record<string, string>;
    shutdownGraceMs?: number;
    accessCacheTtlMs?: number;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-test-'));
  const config = loadConfig({ ...testEnv(dir, options.databaseUrl, 100), ...options.env });
  const liftoff = await createLiftoff(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    runner: options.runner ?? true,
    workspaceRoot: join(dir, 'workspaces'),
    shutdownGraceMs: options.shutdownGraceMs,
    accessCacheTtlMs: options.accessCacheTtlMs,
  });
  await liftoff.start();
  const url = liftoff.url!;

  async function api<T>(method: string, path: string, body?: unknown, key: string = ADMIN_TOKEN) {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const res = await fetch(url + path, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // non-JSON bodies (metrics) stay text
    }
    return { status: res.status, body: parsed as T };
  }

  async function waitForRun(stackId: string, runId: string, states: string[], timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    let last: RunJson | undefined;
    while (Date.now() < deadline) {
      const res = await api<RunJson>('GET', `/api/v1/stacks/${stackId}/runs/${runId}`);
      last = res.body;
      if (res.status === 200 && states.includes(last.state)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `run ${runId} did not reach ${states.join('|')} in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
    );
  }

  return {
    liftoff,
    url,
    dir,
    api,
    waitForRun,
    async close() {
      await liftoff.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stack body whose plan prints a summary and exits with `planExit`. */
export function stackBody(id: string, extra: Record<string, unknown> = {}, planExit = 2) {
  return {
    id,
    name: `Stack ${id}`,
    labels: [],
    commands: {
      init: 'echo init',
      plan: `echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit ${planExit}`,
      apply: 'echo applied',
    },
    ...extra,
  };
}

/** Polls `check` until it holds (bounded). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
