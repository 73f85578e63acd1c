// End to end with the Slack simulator: subscribe from Slack, one living message per run and channel, Confirm /
// Discard / Show planned changes clicked on that message, and a read-only channel that may look but not act.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  buttonIds,
  link,
  runMessages,
  shownState,
  stackBody,
  startNotifyServer,
  startWorkspace,
  texts,
  until,
  type NotifyServer,
  type SimWorkspace,
} from './env.js';

const ORDER = [
  'QUEUED',
  'PREPARING',
  'INITIALIZING',
  'PLANNING',
  'UNCONFIRMED',
  'CONFIRMED',
  'APPLYING',
  'FINISHED',
  'DISCARDED',
];

describe('run notifications in Slack', () => {
  let ws: SimWorkspace;
  let server: NotifyServer;
  let dev: string;
  let general: string;
  let alice: string;
  let bob: string;

  before(async () => {
    ws = await startWorkspace({ mode: 'slack' });
    server = await startNotifyServer(ws);
    await link(ws, server.liftoff);
    ({
      devNotifications: { id: dev },
      general: { id: general },
    } = ws.demo.channels);
    ({
      alice: { id: alice },
      bob: { id: bob },
    } = ws.demo.users);
    ws.sim.control.inviteBot(dev, ws.demo.app.id);
    // #dev-notifications may act; every other Slack channel may only read.
    const policy = await server.api('POST', '/api/v1/policies', {
      id: 'slack-access',
      name: 'Slack access',
      type: 'ACCESS',
      rego_version: 'v1',
      labels: ['autoattach:notify'],
      body: 'package spacelift\n\nwrite if input.slack.channel.name == "dev-notifications"\n\nread if input.slack.channel.id\n',
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    assert.equal((await server.api('POST', '/api/v1/stacks', stackBody('app'))).status, 201);
    for (const [channel, user] of [
      [dev, alice],
      [general, bob],
    ] as const) {
      const r = await ws.sim.driver.slashCommand({
        channel,
        user,
        command: '/liftoff',
        text: 'subscribe app',
      });
      assert.equal(r.status, 200, r.body);
    }
    await until(
      async () => (await server.liftoff.slack.subscriptions.ofStack('app')).length === 2,
      'both subscriptions',
    );
  });

  after(async () => {
    await server?.close();
    await ws?.close();
  });

  async function trigger(): Promise<string> {
    const r = await server.api<{ id: string }>('POST', '/api/v1/stacks/app/runs');
    assert.equal(r.status, 201);
    return r.body.id;
  }

  function message(channel: string, runId: string) {
    const list = runMessages(ws.sim, channel, runId);
    assert.ok(list.length <= 1, `at most one message for ${runId} in ${channel}, got ${list.length}`);
    return list[0];
  }

  async function shows(channel: string, runId: string, state: string) {
    return until(() => {
      const m = message(channel, runId);
      return m && shownState(m) === state ? m : undefined;
    }, `${channel} to show ${runId} as ${state}`);
  }

  it('posts one message per channel, updates it to UNCONFIRMED, and Confirm from it applies the run', async () => {
    const runId = await trigger();
    const m = await shows(dev, runId, 'UNCONFIRMED');
    await shows(general, runId, 'UNCONFIRMED');
    const states = m.history.map((v) => shownState(v)!);
    // Posted at the first state seen, then only ever forward; coalescing may skip states, never reorder them.
    assert.equal(m.history[0]!.by, 'chat.postMessage');
    assert.ok(m.history.slice(1).every((v) => v.by === 'chat.update'));
    for (let i = 1; i < states.length; i++)
      assert.ok(
        ORDER.indexOf(states[i]!) >= ORDER.indexOf(states[i - 1]!),
        `states in order: ${states.join(' → ')}`,
      );
    console.log(`# ${dev}: ${states.join(' → ')}`);
    assert.deepEqual(buttonIds(m), ['liftoff_run_confirm', 'liftoff_run_discard', 'liftoff_run_show_plan']);
    const body = texts(m).join('\n');
    assert.match(body, /Tracked run triggered by `admin`/);
    assert.match(body, /1 to add, 0 to change, 0 to destroy/);
    assert.match(body, new RegExp(`${server.url}/stacks/app/runs/${runId}\\|${runId}`));

    await ws.sim.driver.clickButton({ channel: dev, ts: m.ts, user: alice, actionId: 'liftoff_run_confirm' });
    const done = await shows(dev, runId, 'FINISHED');
    assert.match(texts(done).join('\n'), new RegExp(`Confirmed by <@${alice}>`));
    assert.deepEqual(buttonIds(done), []);
    assert.equal(done.attachments![0]!.color, '#2eb67d');
    const other = await shows(general, runId, 'FINISHED');
    assert.match(texts(other).join('\n'), new RegExp(`Confirmed by <@${alice}>`));
    assert.equal(runMessages(ws.sim, dev, runId).length, 1);
    assert.equal(runMessages(ws.sim, general, runId).length, 1);
  });

  it('Show planned changes answers the clicker with the plan; Discard ends the run and drops the buttons', async () => {
    const runId = await trigger();
    const m = await shows(dev, runId, 'UNCONFIRMED');
    await ws.sim.driver.clickButton({
      channel: dev,
      ts: m.ts,
      user: alice,
      actionId: 'liftoff_run_show_plan',
    });
    const plan = await until(
      () =>
        ws.sim.control
          .ephemerals({ channel: dev, user: alice })
          .find((e) => e.text.includes('Plan: 1 to add')),
      'plan output',
    );
    assert.match(plan.text, /```/);

    await ws.sim.driver.clickButton({ channel: dev, ts: m.ts, user: alice, actionId: 'liftoff_run_discard' });
    const done = await shows(dev, runId, 'DISCARDED');
    assert.match(texts(done).join('\n'), new RegExp(`Discarded by <@${alice}>`));
    assert.deepEqual(buttonIds(done), []);
    await shows(general, runId, 'DISCARDED');
  });

  it('a read-only channel cannot confirm: the clicker is told, the run does not move', async () => {
    const runId = await trigger();
    const m = await shows(general, runId, 'UNCONFIRMED');
    const before = ws.sim.control.ephemerals({ channel: general, user: bob }).length;
    await ws.sim.driver.clickButton({
      channel: general,
      ts: m.ts,
      user: bob,
      actionId: 'liftoff_run_confirm',
    });
    const denial = await until(
      () => ws.sim.control.ephemerals({ channel: general, user: bob }).slice(before)[0],
      'ephemeral denial',
    );
    assert.match(denial.text, /Write access/i);
    const run = await server.api<{ state: string }>('GET', `/api/v1/stacks/app/runs/${runId}`);
    assert.equal(run.body.state, 'UNCONFIRMED');
    assert.equal(shownState(message(general, runId)!), 'UNCONFIRMED');
    // Leave the stack free for nothing else: discard from the channel that may.
    await ws.sim.driver.clickButton({
      channel: dev,
      ts: message(dev, runId)!.ts,
      user: alice,
      actionId: 'liftoff_run_discard',
    });
    await shows(dev, runId, 'DISCARDED');
  });

  it('shows delivery state to admins and on /metrics', async () => {
    const r = await server.api<{
      queued: number;
      failed: number;
      deliveries: Array<{ status: string; ts: string; sent_version: number; wanted_version: number }>;
    }>('GET', '/api/v1/integrations/slack/deliveries');
    assert.equal(r.status, 200);
    assert.equal(r.body.queued, 0);
    assert.equal(r.body.failed, 0);
    assert.ok(r.body.deliveries.length >= 6);
    assert.ok(
      r.body.deliveries.every((d) => d.status === 'pending' && d.sent_version >= d.wanted_version && d.ts),
    );
    const metrics = await server.api<string>('GET', '/metrics');
    assert.match(metrics.body, /liftoff_slack_deliveries_sent_total\{method="chat.postMessage"\} \d+/);
    assert.match(metrics.body, /liftoff_slack_deliveries\{status="queued"\} 0/);
    assert.match(metrics.body, /liftoff_slack_delivery_latency_seconds_count \d+/);
  });
});
