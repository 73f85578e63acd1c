// Browser test harness: the real server in-process (port 0, temp SQLite, embedded runner) serving a fresh UI
// build, and Debian's Chromium driven by playwright-core. No browser is ever downloaded.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { seedDemo, startSlackSim, type DemoWorkspace, type SlackSim } from '@liftoff/slack-sim';
import { build } from 'vite';
import { createLiftoff, type Liftoff } from '../../../server/src/app.js';
import { requestedSkip } from '../../../server/test/helpers/requested-skips.js';
import { loadConfig } from '../../../server/src/config.js';
import { createLogger } from '../../../server/src/logger.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ADMIN_TOKEN = 'ui-test-admin-token-0123456789';
export const WEB_DIR = resolve(import.meta.dirname, '../..');

/**
 * Why browser tests cannot run here, or null. With CI=true a missing browser is a failure, not a skip;
 * LIFTOFF_TEST_SKIP=browser (npm run test:quick) skips them on purpose.
 */
export function browserUnavailable(): string | null {
  const requested = requestedSkip('browser');
  if (requested) return requested;
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} not found (apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(`browser tests need Chromium in CI: ${reason}`);
  return reason;
}

let built: Promise<void> | undefined;
/** Builds the UI once per process, into packages/web/dist where the server looks for it. */
export function buildUi(): Promise<void> {
  built ??= withBuildLock(async () => {
    await build({ root: WEB_DIR, logLevel: 'warn', configFile: join(WEB_DIR, 'vite.config.ts') });
  });
  return built;
}

/**
 * Test files may run in parallel processes, and a build empties dist/ first: one process builds while the others
 * wait and then use its output. mkdir is atomic, so the lock is a directory; one left by a crashed run expires.
 */
async function withBuildLock(buildIt: () => Promise<void>): Promise<void> {
  const lock = join(tmpdir(), 'liftoff-web-build.lock');
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const stat = statSync(lock, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      waited = true;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    // Another process built while this one waited: its output is current.
    if (waited && existsSync(join(WEB_DIR, 'dist', 'index.html'))) return;
    await buildIt();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Harness {
  liftoff: Liftoff;
  url: string;
  /** Undefined when started with `{browser: false}`. */
  browser: Browser | undefined;
  /** Calls the REST API with a bearer key (admin by default). */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T }>;
  /** A fresh browser context (own cookies) with console errors collected. */
  newPage(options?: {
    width?: number;
    height?: number;
  }): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  /** Signs `page` in with an API key through the sign-in form. */
  signIn(page: Page, key?: string): Promise<void>;
  waitForRun(
    stackId: string,
    runId: string,
    states: string[],
    timeoutMs?: number,
  ): Promise<{ state: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  env: Record<string, string> = {},
  options: { browser?: boolean } = {},
): Promise<Harness> {
  await buildUi();
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-web-'));
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN,
    LIFTOFF_ENCRYPTION_KEY: 'b'.repeat(64),
    LIFTOFF_RUNNER_POLL_MS: '100',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const liftoff = await createLiftoff(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    runner: true,
    workspaceRoot: join(dir, 'workspaces'),
  });
  await liftoff.start();
  const url = liftoff.url!;
  const browser =
    options.browser === false
      ? undefined
      : await chromium.launch({
          executablePath: CHROMIUM,
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
        });
  const contexts: BrowserContext[] = [];

  async function api<T>(method: string, path: string, body?: unknown, key = ADMIN_TOKEN) {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  return {
    liftoff,
    url,
    browser,
    api,
    async newPage({ width = 1280, height = 800 } = {}) {
      if (!browser) throw new Error('harness started without a browser');
      const context = await browser.newContext({ baseURL: url, viewport: { width, height } });
      contexts.push(context);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`${msg.text()} (${msg.location().url})`);
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      return { context, page, errors };
    },
    async signIn(page, key = ADMIN_TOKEN) {
      await page.goto('/');
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
    },
    async waitForRun(stackId, runId, states, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: { state: string } | undefined;
      while (Date.now() < deadline) {
        last = (await api<{ state: string }>('GET', `/api/v1/stacks/${stackId}/runs/${runId}`)).body;
        if (states.includes(last.state)) return last;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`run ${runId} did not reach ${states.join('|')}; last ${JSON.stringify(last)}`);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser?.close().catch(() => {});
      await liftoff.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A stack whose plan reports changes (exit 2) after a short pause, so "live" is observable. */
export function demoStack(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Stack ${id}`,
    labels: ['demo'],
    commands: {
      init: 'echo "Initializing the backend..."',
      plan: 'sleep 0.5; echo "  + aws_s3_bucket.assets"; echo "Plan: 2 to add, 1 to change, 0 to destroy."; exit 2',
      apply: 'echo "Apply complete! Resources: 2 added, 1 changed, 0 destroyed."',
    },
    ...extra,
  };
}

/** A free loopback port, for servers whose PUBLIC_URL (OAuth redirect URL) must be known before they start. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * The harness with Slack configured against the Slack simulator (standing in for slack.com), whose demo workspace
 * expects this server's events and OAuth redirect URLs. `approval`: whether the simulator's authorize page approves
 * at once or shows Allow/Cancel for the browser to click.
 */
export async function startHarnessWithSlackSim(
  approval: 'approve' | 'prompt',
): Promise<{ h: Harness; sim: SlackSim; demo: DemoWorkspace }> {
  const sim = await startSlackSim({ rateLimits: { mode: 'off' } });
  try {
    const publicUrl = `http://127.0.0.1:${await freePort()}`;
    const creds = {
      clientId: '1111.2222',
      clientSecret: 'sim-client-secret',
      signingSecret: 'sim-signing-secret',
    };
    const demo = seedDemo(sim.control, {
      ...creds,
      requestUrl: `${publicUrl}/slack/events`,
      redirectUrl: `${publicUrl}/slack/oauth_redirect`,
    });
    sim.control.setOAuthApproval({ decision: approval });
    const h = await startHarness({
      PORT: new URL(publicUrl).port,
      PUBLIC_URL: publicUrl,
      SLACK_CLIENT_ID: creds.clientId,
      SLACK_CLIENT_SECRET: creds.clientSecret,
      SLACK_SIGNING_SECRET: creds.signingSecret,
      SLACK_API_URL: sim.apiUrl,
      SLACK_AUTHORIZE_URL: sim.authorizeUrl,
    });
    return { h, sim, demo };
  } catch (err) {
    await sim.close();
    throw err;
  }
}
