// A Liftoff server and the Slack simulator, linked the way an operator links them: the sim's app points its request
// and redirect URLs at the server, the server gets the app's credentials and the sim's URLs through SLACK_* env.
import {
  seedDemo,
  startSlackSim,
  type DemoWorkspace,
  type SlackSim,
  type SlashCommandResult,
} from '@liftoff/slack-sim';
import { ADMIN_TOKEN, startServer, stackBody, type TestServer } from '../helpers/server.js';

export interface SlackWorld {
  sim: SlackSim;
  demo: DemoWorkspace;
  server: TestServer;
  close(): Promise<void>;
}

export async function startSlackWorld(
  options: { env?: Record<string, string>; runner?: boolean; databaseUrl?: string } = {},
): Promise<SlackWorld> {
  const sim = await startSlackSim({ rateLimits: { mode: 'off' } });
  const demo = seedDemo(sim.control);
  const server = await startServer({
    runner: options.runner,
    databaseUrl: options.databaseUrl,
    env: {
      SLACK_CLIENT_ID: demo.app.clientId,
      SLACK_CLIENT_SECRET: demo.app.clientSecret,
      SLACK_SIGNING_SECRET: demo.app.signingSecret,
      SLACK_API_URL: sim.apiUrl,
      SLACK_AUTHORIZE_URL: sim.authorizeUrl,
      ...options.env,
    },
  });
  sim.control.updateApp(demo.app.id, {
    requestUrl: `${server.url}/slack/events`,
    redirectUrls: [`${server.url}/slack/oauth_redirect`],
  });
  return {
    sim,
    demo,
    server,
    async close() {
      await server.close();
      await sim.close();
    },
  };
}

/** A browser doing the OAuth dance: /slack/install as an admin → the sim's authorize page → the callback. */
export async function installViaOAuth(
  world: SlackWorld,
  adminKey = ADMIN_TOKEN,
): Promise<{ status: number; body: string; hops: string[] }> {
  const hops: string[] = [];
  const start = await fetch(`${world.server.url}/slack/install`, {
    redirect: 'manual',
    headers: { authorization: `Bearer ${adminKey}` },
  });
  hops.push(`${start.status} /slack/install`);
  if (start.status !== 302) return { status: start.status, body: await start.text(), hops };
  const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0]!;
  const toSlack = start.headers.get('location')!;
  const slack = await fetch(toSlack, { redirect: 'manual' });
  hops.push(`${slack.status} ${new URL(toSlack).pathname}`);
  const back = slack.headers.get('location');
  if (!back) return { status: slack.status, body: await slack.text(), hops };
  const done = await fetch(back, { redirect: 'manual', headers: { cookie } });
  hops.push(`${done.status} ${new URL(back).pathname}`);
  return { status: done.status, body: await done.text(), hops };
}

/** The answer the app posted to a command's or click's response_url (waits for it). */
export async function responseTo(
  world: SlackWorld,
  result: { responseUrl: string },
  index = 0,
  timeoutMs = 5000,
): Promise<{ text: string; body: Record<string, unknown> }> {
  const post = await world.sim.waitFor(
    () => world.sim.control.responseUrls().find((r) => r.url === result.responseUrl)?.posts[index],
    { timeoutMs, what: `response_url post #${index}` },
  );
  const body = post.body as Record<string, unknown>;
  return { text: String(body.text ?? ''), body };
}

/** What the user saw for a command: the ack body if it had text, else the response_url answer. */
export async function answerTo(world: SlackWorld, result: SlashCommandResult): Promise<string> {
  const ack = result.json as { text?: string } | null;
  if (ack && typeof ack.text === 'string') return ack.text;
  return (await responseTo(world, result)).text;
}

export async function createStack(world: SlackWorld, id: string, extra: Record<string, unknown> = {}) {
  const r = await world.server.api('POST', '/api/v1/stacks', stackBody(id, extra));
  if (r.status !== 201) throw new Error(`create stack: ${r.status} ${JSON.stringify(r.body)}`);
}

export async function attachPolicy(
  world: SlackWorld,
  stackId: string,
  policyId: string,
  body: string,
  regoVersion: 'v0' | 'v1' = 'v0',
) {
  const created = await world.server.api('POST', '/api/v1/policies', {
    id: policyId,
    name: policyId,
    type: 'ACCESS',
    body,
    rego_version: regoVersion,
    labels: [],
  });
  if (created.status !== 201)
    throw new Error(`create policy: ${created.status} ${JSON.stringify(created.body)}`);
  const attached = await world.server.api('PUT', `/api/v1/stacks/${stackId}/policies/${policyId}`);
  if (attached.status !== 204)
    throw new Error(`attach policy: ${attached.status} ${JSON.stringify(attached.body)}`);
}

/** Counts rows of a table (the "database unchanged" checks). */
export async function counts(world: SlackWorld): Promise<Record<string, number>> {
  const db = world.server.liftoff.storage.db;
  const out: Record<string, number> = {};
  for (const table of [
    'runs',
    'audit_events',
    'slack_subscriptions',
    'slack_handled_requests',
    'slack_installations',
  ]) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const row = await (db as any)
      .selectFrom(table)
      .select((eb: { fn: { countAll: () => { as: (n: string) => unknown } } }) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    out[table] = Number((row as { n: number }).n);
  }
  return out;
}
