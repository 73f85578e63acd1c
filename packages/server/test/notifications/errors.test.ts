// What Slack's errors do to delivery: 5xx beyond the retry bound parks a message (visible to admins, re-queued on
// request); an archived channel disables its subscriptions with the reason; a revoked token pauses delivery without
// an error storm until Slack is linked again, then every message catches up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  link,
  runMessages,
  shownState,
  stackBody,
  startNotifyServer,
  startWorkspace,
  until,
  type NotifyServer,
  type SimWorkspace,
} from './env.js';

interface Deliveries {
  queued: number;
  failed: number;
  deliveries: Array<{
    run_id: string;
    channel_id: string;
    status: string;
    last_error: string | null;
    attempts: number;
  }>;
  disabled_subscriptions: Array<{ stack_id: string; channel_id: string; disabled_reason: string }>;
}

describe('Slack errors during delivery', () => {
  let ws: SimWorkspace;
  let server: NotifyServer;
  let channel: string;

  before(async () => {
    ws = await startWorkspace({ mode: 'off' });
    server = await startNotifyServer(ws, {
      notifications: { retry: { baseMs: 20, maxMs: 50, maxAttempts: 3 } },
    });
    await link(ws, server.liftoff);
    channel = ws.sim.control.createChannel({ teamId: ws.demo.team.id, name: 'deploys', members: [] }).id;
    assert.equal((await server.api('POST', '/api/v1/stacks', stackBody('err', 0))).status, 201);
    await server.liftoff.slack.subscriptions.add({
      stackId: 'err',
      channelId: channel,
      channelName: 'deploys',
      teamId: ws.demo.team.id,
      createdBy: 'test',
    });
  });

  after(async () => {
    await server?.close();
    await ws?.close();
  });

  async function finishedRun(): Promise<string> {
    const r = await server.api<{ id: string }>('POST', '/api/v1/stacks/err/runs');
    await until(
      async () =>
        (await server.api<{ state: string }>('GET', `/api/v1/stacks/err/runs/${r.body.id}`)).body.state ===
        'FINISHED',
      'run FINISHED',
    );
    return r.body.id;
  }

  it('parks a message after bounded retries, shows it to admins, and delivers it when re-queued', async () => {
    const fault = ws.sim.control.injectFault({ method: 'chat.postMessage', kind: 'http_error', status: 503 });
    const runId = await finishedRun();
    const parked = await until(async () => {
      const r = await server.api<Deliveries>('GET', '/api/v1/integrations/slack/deliveries?status=failed');
      return r.body.deliveries.find((d) => d.run_id === runId);
    }, 'the message parked as failed');
    assert.equal(parked.attempts, 3);
    assert.equal(parked.last_error, 'HTTP 503');
    assert.match(
      (await server.api<string>('GET', '/metrics')).body,
      /liftoff_slack_deliveries_failed_total\{reason="retries_exhausted"\} 1/,
    );
    assert.equal(runMessages(ws.sim, channel, runId).length, 0);

    ws.sim.control.clearFaults(fault.id);
    const retry = await server.api<{ requeued: number }>(
      'POST',
      '/api/v1/integrations/slack/deliveries/retry',
      {},
    );
    assert.equal(retry.body.requeued, 1);
    await until(
      () => runMessages(ws.sim, channel, runId).map((m) => shownState(m))[0] === 'FINISHED',
      'the parked message delivered',
    );
    assert.equal(runMessages(ws.sim, channel, runId).length, 1);
  });

  it('pauses on a revoked token without retrying, and catches up once Slack is linked again', async () => {
    const before = await finishedRun();
    await until(
      () => shownState(runMessages(ws.sim, channel, before)[0] ?? { attachments: null }) === 'FINISHED',
      'message before revocation',
    );
    const creds = await server.liftoff.slack.installations.credentials();
    ws.sim.control.revokeToken(creds!.botToken, { notify: false });
    const runs = [await finishedRun(), await finishedRun()];
    await until(
      async () => (await server.liftoff.slack.installations.current())?.active === false,
      'installation deactivated',
    );
    const calls = ws.sim.control.apiCalls({}).length;
    await new Promise((r) => setTimeout(r, 500));
    // At most the calls already in flight when the first error came back: no storm.
    assert.ok(ws.sim.control.apiCalls({}).length - calls <= 2, 'no calls while paused');
    const status = await server.api<Deliveries>('GET', '/api/v1/integrations/slack/deliveries');
    assert.ok(status.body.queued >= 1, 'changes wait in the queue');

    await link(ws, server.liftoff);
    await until(
      () =>
        runs.every(
          (id) =>
            runMessages(ws.sim, channel, id)
              .map((m) => shownState(m))
              .at(-1) === 'FINISHED',
        ),
      'messages after re-linking',
      30_000,
    );
  });

  it('disables the subscriptions of an archived channel and says why', async () => {
    ws.sim.control.archiveChannel(channel);
    await finishedRun();
    const r = await until(async () => {
      const d = await server.api<Deliveries>('GET', '/api/v1/integrations/slack/deliveries');
      return d.body.disabled_subscriptions.length > 0 ? d.body : undefined;
    }, 'subscription disabled');
    assert.equal(r.disabled_subscriptions[0]!.channel_id, channel);
    assert.match(r.disabled_subscriptions[0]!.disabled_reason, /archived/);
    const subs = await server.api<Array<{ channel_id: string; disabled_reason: string | null }>>(
      'GET',
      '/api/v1/stacks/err/subscriptions',
    );
    assert.match(subs.body.find((s) => s.channel_id === channel)!.disabled_reason ?? '', /archived/);
    // The channel's `list` says so too (once it is usable again, someone can look).
    ws.sim.control.unarchiveChannel(channel);
    await server.api('POST', '/api/v1/policies', {
      id: 'slack-read',
      name: 'Slack read',
      type: 'ACCESS',
      labels: ['autoattach:notify'],
      body: 'package spacelift\n\nread if input.slack.channel.id\n',
    });
    await ws.sim.driver.slashCommand({
      channel,
      user: ws.demo.users.alice.id,
      command: '/liftoff',
      text: 'list',
    });
    const listed = await until(
      () =>
        ws.sim.control
          .responseUrls({ channel })
          .flatMap((u) => u.posts)
          .find((p) => JSON.stringify(p).includes('notifications stopped')),
      'list showing the stopped subscription',
    );
    assert.match(JSON.stringify(listed), /archived/);
    ws.sim.control.archiveChannel(channel);
    // Later runs are not sent to it at all.
    const calls = ws.sim.control.apiCalls({ method: 'chat.postMessage' }).length;
    await finishedRun();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ws.sim.control.apiCalls({ method: 'chat.postMessage' }).length, calls);
  });
});
