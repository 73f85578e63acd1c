import { LogLevel, WebClient } from '@slack/web-api';
import { seedDemo, startSlackSim } from '../src/index.js';
import type { DemoWorkspace, InstallSummary, SlackSim, SlackSimOptions } from '../src/index.js';

export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:read',
  'groups:read',
  'team:read',
];

export interface Fixture {
  sim: SlackSim;
  demo: DemoWorkspace;
  install: InstallSummary;
  /** A real WebClient with the bot token, pointed at the simulator, no retries. */
  client: WebClient;
}

/** Keeps expected warnings (rate limited, dropped connections) out of the test output. */
export const quietLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

export function webClient(
  sim: SlackSim,
  token?: string,
  options: ConstructorParameters<typeof WebClient>[1] = {},
): WebClient {
  return new WebClient(token, {
    slackApiUrl: sim.apiUrl,
    retryConfig: { retries: 0 },
    logger: quietLogger,
    ...options,
  });
}

/** The demo workspace with the app installed directly (no OAuth) and rate limits off. */
export async function demoFixture(options: SlackSimOptions & { scopes?: string[] } = {}): Promise<Fixture> {
  const sim = await startSlackSim({ rateLimits: { mode: 'off' }, ...options });
  const demo = seedDemo(sim.control);
  const install = sim.control.install({
    appId: demo.app.id,
    teamId: demo.team.id,
    scopes: options.scopes ?? BOT_SCOPES,
  });
  return { sim, demo, install, client: webClient(sim, install.botToken) };
}

/** Assert a WebClient call fails with a Slack platform error and return its data. */
export async function platformError(
  p: Promise<unknown>,
): Promise<{ error: string } & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    const e = err as { code?: string; data?: { error: string } & Record<string, unknown> };
    if (e.code === 'slack_webapi_platform_error' && e.data) return e.data;
    throw err;
  }
  throw new Error('expected a platform error, the call succeeded');
}
