// Test environment for notification delivery: the Slack simulator (talked to over HTTP by the server), a full
// Liftoff on port 0 with Slack configured and linked to the simulated workspace, and helpers to read what the
// channels show.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  seedDemo,
  startSlackSim,
  type DemoWorkspace,
  type RateLimitConfig,
  type SlackSim,
} from '@liftoff/slack-sim';
import { createLiftoff, type Liftoff } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Notifications, type NotificationsOptions } from '../../src/slack/outbound/notifications.js';
import type { NewInstallation } from '../../src/slack/platform/installation.js';
import { BOT_SCOPES as MANIFEST_BOT_SCOPES } from '../../src/slack/platform/manifest.js';
import { ADMIN_TOKEN, testEnv } from '../helpers/server.js';

/** The scopes the app's manifest asks for: the simulated install grants exactly these. */
export const BOT_SCOPES = [...MANIFEST_BOT_SCOPES];

export interface SimWorkspace {
  sim: SlackSim;
  demo: DemoWorkspace;
  /** Slack env for a Liftoff pointed at the simulator. */
  slackEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startWorkspace(rateLimits: RateLimitConfig = { mode: 'off' }): Promise<SimWorkspace> {
  const sim = await startSlackSim({ rateLimits });
  const demo = seedDemo(sim.control);
  return {
    sim,
    demo,
    slackEnv: {
      SLACK_CLIENT_ID: demo.app.clientId,
      SLACK_CLIENT_SECRET: demo.app.clientSecret,
      SLACK_SIGNING_SECRET: demo.app.signingSecret,
      SLACK_API_URL: sim.apiUrl,
      SLACK_AUTHORIZE_URL: sim.authorizeUrl,
    },
    close: () => sim.close(),
  };
}

/** Installs the app in the simulated workspace; returns the installation as the OAuth flow would store it. */
export function simulatedInstall(ws: SimWorkspace, installerSlackUserId: string | null): NewInstallation {
  const inst = ws.sim.control.install({
    appId: ws.demo.app.id,
    teamId: ws.demo.team.id,
    installerUserId: installerSlackUserId ?? undefined,
    scopes: BOT_SCOPES,
  });
  return {
    teamId: ws.demo.team.id,
    teamName: ws.demo.team.name,
    enterpriseId: null,
    enterpriseName: null,
    isEnterpriseInstall: false,
    appId: ws.demo.app.id,
    botUserId: inst.botUserId,
    botId: inst.botId,
    scopes: inst.scopes,
    installedBy: 'admin',
    installerSlackUserId,
    botToken: inst.botToken,
    refreshToken: null,
    expiresAt: null,
  };
}

/** Installs the app in the simulated workspace and stores the installation as the OAuth flow would. */
export async function link(
  ws: SimWorkspace,
  liftoff: Liftoff,
): Promise<{ botToken: string; botUserId: string }> {
  const inst = simulatedInstall(ws, ws.demo.users.alice.id);
  await liftoff.slack.installations.save(inst);
  // Delivery reads the installation through its own short-lived cache: wait until it has seen the link.
  const notifications = liftoff.notifications;
  if (notifications)
    await until(() => !notifications.dispatcher.isPaused, 'delivery to see the Slack link', 30_000);
  return { botToken: inst.botToken, botUserId: inst.botUserId };
}

export interface NotifyServer {
  liftoff: Liftoff;
  notifications: Notifications;
  url: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/** A Liftoff (HTTP + embedded runner) with notifications, pointed at the workspace's simulator. */
export async function startNotifyServer(
  ws: SimWorkspace,
  options: {
    databaseUrl?: string;
    notifications?: Partial<NotificationsOptions>;
    env?: Record<string, string>;
  } = {},
): Promise<NotifyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'liftoff-notify-'));
  const config = loadConfig({ ...testEnv(dir, options.databaseUrl, 50), ...ws.slackEnv, ...options.env });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const liftoff = await createLiftoff(config, {
    logger,
    workspaceRoot: join(dir, 'workspaces'),
    runnerConcurrency: 8,
    notifications: {
      pollMs: 50,
      retry: { baseMs: 50, maxMs: 500, maxAttempts: 50 },
      ...options.notifications,
    },
  });
  await liftoff.start();
  const notifications = liftoff.notifications!;
  ws.sim.control.updateApp(ws.demo.app.id, {
    requestUrl: `${liftoff.url}/slack/events`,
    redirectUrls: [`${liftoff.url}/slack/oauth_redirect`],
  });
  const url = liftoff.url!;
  return {
    liftoff,
    notifications,
    url,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(url + path, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // metrics are text
      }
      return { status: res.status, body: parsed as T };
    },
    async close() {
      await liftoff.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Content = { attachments: Array<Record<string, unknown>> | null };

/** Every text of a message's attachment blocks (section text, fields, context elements). */
export function texts(m: Content): string[] {
  const out: string[] = [];
  for (const a of m.attachments ?? [])
    for (const b of (a.blocks as Array<Record<string, unknown>> | undefined) ?? []) {
      const t = b.text as { text?: string } | undefined;
      if (t?.text) out.push(t.text);
      for (const f of (b.fields as Array<{ text: string }> | undefined) ?? []) out.push(f.text);
      for (const e of (b.elements as Array<{ text?: unknown }> | undefined) ?? [])
        if (typeof e.text === 'string') out.push(e.text);
    }
  return out;
}

/** The state a run message shows. */
export function shownState(m: Content): string | undefined {
  for (const t of texts(m)) {
    const match = /^\*Current state\*\n([A-Z]+)/.exec(t);
    if (match) return match[1];
  }
  return undefined;
}

/** The action ids of the buttons on a run message. */
export function buttonIds(m: Content): string[] {
  const ids: string[] = [];
  for (const a of m.attachments ?? [])
    for (const b of (a.blocks as Array<Record<string, unknown>> | undefined) ?? [])
      if (b.type === 'actions')
        for (const e of b.elements as Array<{ action_id: string }>) ids.push(e.action_id);
  return ids;
}

/** Messages in a channel that are about `runId` (by the run link). */
export function runMessages(sim: SlackSim, channel: string, runId: string) {
  return sim.control
    .messages(channel)
    .filter((m) => JSON.stringify(m.attachments ?? []).includes(`/runs/${runId}|`));
}

/** Polls until `check` holds (bounded), no timing assertion. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A stack whose plan reports changes (exit 2) unless `planExit` says otherwise. */
export function stackBody(id: string, planExit = 2, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `Stack ${id}`,
    labels: ['notify'],
    commands: {
      init: 'true',
      plan: `echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit ${planExit}`,
      apply: 'echo applied',
    },
    ...extra,
  };
}
