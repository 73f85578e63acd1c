// `npm run demo`: Liftoff and the Slack simulator together on loopback, linked through the real OAuth flow, with a
// demo stack and the seed's example policy, so slash commands and button clicks can be tried from a terminal
// (`npm run demo:slack -- …`, see the printed instructions). Ctrl-C stops both.
//
//   --port / PORT (3000): Liftoff        --sim-port / SLACK_SIM_PORT (3001): the Slack simulator
//   DEMO_DATA_DIR: keep the database there (default: a temporary directory, removed on every exit)
//
// A busy port is a one-line error naming it and the flag that picks another (docs/slack.md, "The simulator").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDemo, startSlackSim } from '@liftoff/slack-sim';
import { createLiftoff } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { createLogger } from '../packages/server/src/logger.js';

const ADMIN_TOKEN = 'demo-admin-token-0123456789';
const SEED_POLICY = 'package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}\n';

/** A problem the user can fix; printed as its message alone, without a stack trace. */
class DemoError extends Error {}

interface PortSetting {
  what: string;
  flag: string;
  env: string;
  fallback: number;
}
const LIFTOFF_PORT: PortSetting = { what: 'Liftoff', flag: '--port', env: 'PORT', fallback: 3000 };
const SIM_PORT: PortSetting = {
  what: 'the Slack simulator',
  flag: '--sim-port',
  env: 'SLACK_SIM_PORT',
  fallback: 3001,
};

const USAGE = `usage: npm run demo [-- --port <n>] [--sim-port <n>]
  --port      Liftoff's port (env PORT, default ${LIFTOFF_PORT.fallback})
  --sim-port  the Slack simulator's port (env SLACK_SIM_PORT, default ${SIM_PORT.fallback})
  DEMO_DATA_DIR=<dir> keeps the database there; by default it lives in a temporary directory removed on exit.`;

function portFrom(setting: PortSetting, flagValue: string | undefined): number {
  const text = flagValue ?? process.env[setting.env];
  if (text === undefined || text === '') return setting.fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DemoError(
      `${setting.flag} / ${setting.env} must be a port number from 1 to 65535, not "${text}"`,
    );
  return port;
}

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { port: { type: 'string' }, 'sim-port': { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (err) {
    throw new DemoError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = portFrom(LIFTOFF_PORT, values.port);
  const simPort = portFrom(SIM_PORT, values['sim-port']);
  if (port === simPort)
    throw new DemoError(`Liftoff and the Slack simulator need two ports; both are ${port}`);
  return { port, simPort };
}

/** Starts a listener, turning "port taken" into an error that says which port and how to pick another. */
async function listening<T>(setting: PortSetting, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
    const why = code === 'EADDRINUSE' ? 'is already in use' : 'may not be used by this user';
    const other = port + 100;
    throw new DemoError(
      `port ${port} for ${setting.what} ${why} (127.0.0.1:${port}).\n` +
        `Pick another: npm run demo -- ${setting.flag} ${other}   (or ${setting.env}=${other} npm run demo)`,
    );
  }
}

// Everything that must be undone, most recent first, on every way out: Ctrl-C, SIGTERM, a failure.
const undo: Array<() => unknown> = [];
let dataDir: string | undefined;
let keepData = false;
function removeDataDir() {
  if (dataDir && !keepData) rmSync(dataDir, { recursive: true, force: true });
}
// The last resort for exits that skip shutdown() (process.exit elsewhere, an exception thrown while stopping).
process.on('exit', removeDataDir);

let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  for (const step of undo.reverse()) {
    try {
      await step();
    } catch (err) {
      console.error(`demo: while stopping: ${(err as Error).message}`);
    }
  }
  removeDataDir();
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  // A second Ctrl-C while stopping exits at once (shutdown sees `stopping`); the exit hook still removes the dir.
  process.on(signal, () => void shutdown(0));
}

async function main() {
  const { port, simPort } = parseOptions();
  const base = `http://127.0.0.1:${port}`;
  keepData = process.env.DEMO_DATA_DIR !== undefined;
  dataDir = process.env.DEMO_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'liftoff-demo-'));

  const sim = await listening(SIM_PORT, simPort, () =>
    startSlackSim({ port: simPort, rateLimits: { mode: 'slack' } }),
  );
  undo.push(() => sim.close());
  const demo = seedDemo(sim.control, {
    requestUrl: `${base}/slack/events`,
    redirectUrl: `${base}/slack/oauth_redirect`,
  });
  const config = loadConfig({
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    DATABASE_URL: `sqlite:${join(dataDir, 'liftoff.db')}`,
    LIFTOFF_ADMIN_TOKEN: ADMIN_TOKEN,
    LIFTOFF_RUNNER_POLL_MS: '200',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SLACK_CLIENT_ID: demo.app.clientId,
    SLACK_CLIENT_SECRET: demo.app.clientSecret,
    SLACK_SIGNING_SECRET: demo.app.signingSecret,
    SLACK_API_URL: sim.apiUrl,
    SLACK_AUTHORIZE_URL: sim.authorizeUrl,
  });
  const liftoff = await createLiftoff(config, {
    logger: createLogger(config.logLevel),
    workspaceRoot: join(dataDir, 'workspaces'),
  });
  undo.push(() => liftoff.close());
  await listening(LIFTOFF_PORT, port, () => liftoff.start());

  // Link the workspace as an admin's browser would: /slack/install → Slack's authorize page → the callback.
  const install = await fetch(`${base}/slack/install`, {
    redirect: 'manual',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const cookie = (install.headers.get('set-cookie') ?? '').split(';')[0]!;
  const authorize = await fetch(install.headers.get('location')!, { redirect: 'manual' });
  const callback = await fetch(authorize.headers.get('location')!, {
    redirect: 'manual',
    headers: { cookie },
  });
  if (callback.status !== 200) throw new Error(`OAuth failed: ${callback.status} ${await callback.text()}`);
  sim.control.inviteBot(demo.channels.devNotifications.id, demo.app.id);

  const api = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  };
  await api('POST', '/api/v1/stacks', {
    id: 'demo',
    name: 'Demo stack',
    description: 'Plans one change; apply prints a line.',
    labels: ['demo'],
    commands: {
      init: 'echo "Initializing the backend..."',
      plan: 'echo "  # null_resource.hello will be created"; echo "  + resource \\"null_resource\\" \\"hello\\" {}"; echo; echo "Plan: 1 to add, 0 to change, 0 to destroy."; exit 2',
      apply:
        'echo "null_resource.hello: Creation complete"; echo "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."',
    },
  });
  await api('POST', '/api/v1/policies', {
    id: 'slack-dev-notifications',
    name: 'Write from #dev-notifications',
    type: 'ACCESS',
    body: SEED_POLICY,
    rego_version: 'v0',
    labels: [],
  });
  await api('PUT', '/api/v1/stacks/demo/policies/slack-dev-notifications');

  const cli =
    simPort === SIM_PORT.fallback
      ? 'npm run demo:slack --'
      : `SLACK_SIM_URL=${sim.url} npm run demo:slack --`;
  console.log(`
Liftoff  ${base}   (admin API key: ${ADMIN_TOKEN})
Slack    ${sim.url}  (simulator; workspace ${demo.team.name}: alice (admin), bob; #general, #random, #dev-notifications)

Linked through OAuth: ${base}/api/v1/integrations/slack
Stack "demo" (plan: 1 to add) has the seed's policy: write access from #dev-notifications, nothing elsewhere.

Try, in another terminal:
  ${cli} "/liftoff help"
  ${cli} "/liftoff subscribe demo" --channel random --user alice          # denied: policy is for #dev-notifications
  ${cli} "/liftoff subscribe demo" --channel dev-notifications --user alice
  ${cli} "/liftoff trigger demo" --channel dev-notifications --user alice
  ${cli} messages --channel dev-notifications                             # the run message, updated as it runs
  ${cli} click show_plan --channel dev-notifications --user alice          # buttons of the latest run message
  ${cli} click confirm --channel dev-notifications --user alice            # "Confirmed by" in the thread; it applies
  ${cli} "/liftoff list" --channel dev-notifications --user alice
  ${cli} "/liftoff trigger demo" --channel general --user bob              # denied: needs Write
  ${cli} "/liftoff trigger demo" --channel dev-notifications --user alice
  ${cli} click discard --channel dev-notifications --user alice
  ${cli} "/liftoff unsubscribe demo" --channel dev-notifications --user alice

The run page: ${base}/stacks/demo (sign in with the admin API key). Ctrl-C stops everything.
`);
}

main().catch((err: unknown) => {
  console.error(err instanceof DemoError ? `npm run demo: ${err.message}` : err);
  void shutdown(1);
});
