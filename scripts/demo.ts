// `npm run demo`: Liftoff and the Slack simulator together on loopback, linked through the real OAuth flow, with a
// demo stack and the seed's example policy, so slash commands and button clicks can be tried from a terminal
// (`npm run demo:slack -- …`, see the printed instructions). Ctrl-C stops both.
//
//   PORT (3000), SLACK_SIM_PORT (3001), DEMO_DATA_DIR (a temporary directory; set it to keep the database)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDemo, startSlackSim } from '@liftoff/slack-sim';
import { createLiftoff } from '../packages/server/src/app.js';
import { loadConfig } from '../packages/server/src/config.js';
import { createLogger } from '../packages/server/src/logger.js';

const ADMIN_TOKEN = 'demo-admin-token-0123456789';
const port = Number(process.env.PORT ?? 3000);
const simPort = Number(process.env.SLACK_SIM_PORT ?? 3001);
const keepData = process.env.DEMO_DATA_DIR !== undefined;
const dataDir = process.env.DEMO_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'liftoff-demo-'));
const base = `http://127.0.0.1:${port}`;

const SEED_POLICY = 'package spacelift\n\nwrite {\n  input.slack.channel.name = "dev-notifications"\n}\n';

async function main() {
  const sim = await startSlackSim({ port: simPort, rateLimits: { mode: 'slack' } });
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
  await liftoff.start();

  const stop = async () => {
    await liftoff.close();
    await sim.close();
    if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

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

  const cli = 'npm run demo:slack --';
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
  console.error(err);
  process.exit(1);
});
