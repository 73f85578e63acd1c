import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { App, SocketModeReceiver } from '@slack/bolt';
import { BOT_SCOPES, demoFixture, quietLogger } from './helpers.js';
import type { AddressInfo } from 'node:net';
import type { Fixture } from './helpers.js';

// One scenario, run over HTTP and over Socket Mode with the same driver calls: Bolt's own receivers
// on each side, so the simulator is checked against the real clients.

interface Seen {
  commands: Map<string, number>;
  submissions: number;
  homes: number;
  clicks: number;
}

function boltApp(f: Fixture, transport: 'http' | 'socket', seen: Seen): App {
  const clientOptions = { slackApiUrl: f.sim.apiUrl, retryConfig: { retries: 0 } };
  const app =
    transport === 'http'
      ? new App({
          token: f.install.botToken,
          signingSecret: f.demo.app.signingSecret,
          clientOptions,
          logger: quietLogger,
        })
      : new App({
          token: f.install.botToken,
          clientOptions,
          logger: quietLogger,
          receiver: new SocketModeReceiver({
            appToken: f.sim.control.createAppToken(f.demo.app.id).token,
            logger: quietLogger,
            // The client waits this long before reconnecting.
            clientPingTimeout: 150,
            installerOptions: { clientOptions },
          }),
        });
  app.command('/liftoff', async ({ ack, command, client }) => {
    seen.commands.set(command.text, (seen.commands.get(command.text) ?? 0) + 1);
    if (command.text === 'trigger') {
      await ack();
      await client.views.open({
        trigger_id: command.trigger_id,
        view: {
          type: 'modal',
          callback_id: 'trigger',
          title: { type: 'plain_text', text: 'Trigger' },
          submit: { type: 'plain_text', text: 'Go' },
          blocks: [
            {
              type: 'input',
              block_id: 'stack',
              label: { type: 'plain_text', text: 'Stack' },
              element: { type: 'plain_text_input', action_id: 'stack' },
            },
          ],
        },
      });
      return;
    }
    await ack({ text: `answer ${command.text}` });
  });
  app.view('trigger', async ({ ack, view }) => {
    seen.submissions++;
    if (view.state.values.stack?.stack?.value === 'nope')
      return ack({ response_action: 'errors', errors: { stack: 'No such stack' } });
    await ack();
  });
  app.action('go', async ({ ack }) => {
    seen.clicks++;
    await ack();
  });
  app.event('app_home_opened', async ({ event, client }) => {
    seen.homes++;
    await client.views.publish({
      user_id: event.user,
      view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Home' } }] },
    });
  });
  return app;
}

async function startApp(f: Fixture, transport: 'http' | 'socket', seen: Seen): Promise<App> {
  const app = boltApp(f, transport, seen);
  if (transport === 'http') {
    const server = (await app.start(0)) as unknown as { address(): AddressInfo };
    f.sim.control.updateApp(f.demo.app.id, {
      requestUrl: `http://127.0.0.1:${server.address().port}/slack/events`,
    });
  } else {
    f.sim.control.updateApp(f.demo.app.id, { socketMode: true });
    await app.start();
  }
  return app;
}

for (const transport of ['http', 'socket'] as const) {
  describe(`one scenario with Bolt over ${transport === 'http' ? 'HTTP' : 'Socket Mode'}`, () => {
    test('commands with answers in the ack, a modal submitted with errors then accepted, App Home, a click', async () => {
      const f = await demoFixture({ scopes: [...BOT_SCOPES] });
      const seen: Seen = { commands: new Map(), submissions: 0, homes: 0, clicks: 0 };
      const app = await startApp(f, transport, seen);
      try {
        const alice = f.demo.users.alice.id;
        const general = f.demo.channels.general.id;
        const r = await f.sim.driver.slashCommand({
          channel: general,
          user: alice,
          command: '/liftoff',
          text: 'status',
        });
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, { text: 'answer status' });
        assert.equal(f.sim.control.ephemerals({ user: alice }).at(-1)?.text, 'answer status');

        await f.sim.driver.slashCommand({
          channel: general,
          user: alice,
          command: '/liftoff',
          text: 'trigger',
        });
        await f.sim.waitFor(() => f.sim.control.modals(alice)[0]);
        const refused = await f.sim.driver.submitView({ user: alice, values: { stack: { stack: 'nope' } } });
        assert.equal(refused.responseAction, 'errors');
        assert.deepEqual(refused.errors, { stack: 'No such stack' });
        const accepted = await f.sim.driver.submitView({ user: alice, values: { stack: { stack: 'prod' } } });
        assert.equal(accepted.responseAction, null);
        assert.equal(accepted.view, null);

        await f.sim.driver.openAppHome({ user: alice });
        await f.sim.waitFor(() => f.sim.control.homeView(f.demo.app.id, alice));

        await f.client.chat.postMessage({
          channel: general,
          text: 'x',
          blocks: [
            {
              type: 'actions',
              elements: [{ type: 'button', action_id: 'go', text: { type: 'plain_text', text: 'Go' } }],
            },
          ],
        });
        const click = await f.sim.driver.clickButton({
          channel: general,
          ts: f.sim.control.messages(general).at(-1)!.ts,
          user: alice,
        });
        assert.equal(click.status, 200);
        assert.deepEqual([seen.submissions, seen.homes, seen.clicks], [2, 1, 1]);
        assert.ok(f.sim.control.deliveries().every((d) => d.transport === transport));
      } finally {
        await app.stop();
        await f.sim.close();
      }
    });
  });
}

describe('Bolt in Socket Mode under socket faults', () => {
  test('200 commands while sockets drop and connections are recycled: each answered exactly once', async () => {
    const f = await demoFixture();
    const seen: Seen = { commands: new Map(), submissions: 0, homes: 0, clicks: 0 };
    const app = await startApp(f, 'socket', seen);
    // Drop every connection after 23 envelopes; recycle the live ones twice along the way.
    f.sim.control.socketFaults({ dropEvery: 23 });
    try {
      const texts = Array.from({ length: 200 }, (_, i) => `c${i}`);
      const results = [];
      // Ten people typing at once, twenty commands each.
      for (let i = 0; i < texts.length; i += 10) {
        if (i === 50 || i === 130) f.sim.control.socketDisconnect({ appId: f.demo.app.id });
        results.push(
          ...(await Promise.all(
            texts.slice(i, i + 10).map((text) =>
              f.sim.driver.slashCommand({
                channel: f.demo.channels.general.id,
                user: f.demo.users.alice.id,
                command: '/liftoff',
                text,
              }),
            ),
          )),
        );
      }
      const failed = results.filter((r) => r.status !== 200).map((r) => r.error);
      assert.deepEqual(failed, []);
      assert.deepEqual(
        results.map((r) => (r.json as { text: string }).text),
        texts.map((t) => `answer ${t}`),
      );
      assert.equal(seen.commands.size, 200);
      assert.ok(
        [...seen.commands.values()].every((n) => n === 1),
        'every command handled once',
      );
      const closed = f.sim.control.socketConnections(f.demo.app.id).filter((c) => c.state === 'closed');
      assert.ok(
        closed.some((c) => c.closedBy === 'dropped'),
        'some connection was dropped',
      );
      assert.ok(
        closed.some((c) => c.disconnectReason === 'refresh_requested'),
        'some connection was recycled',
      );
    } finally {
      f.sim.control.socketFaults({});
      await app.stop();
      await f.sim.close();
    }
  });

  test('drops with envelopes in flight: events are redelivered, commands fail for the person and never run twice', async () => {
    const f = await demoFixture();
    const seen: Seen = { commands: new Map(), submissions: 0, homes: 0, clicks: 0 };
    const app = await startApp(f, 'socket', seen);
    f.sim.control.socketFaults({ dropEvery: 4, dropInFlight: true });
    try {
      const results = [];
      for (let i = 0; i < 12; i++)
        results.push(
          await f.sim.driver.slashCommand({
            channel: f.demo.channels.general.id,
            user: f.demo.users.alice.id,
            command: '/liftoff',
            text: `c${i}`,
          }),
        );
      const lost = results.filter((r) => r.status !== 200);
      assert.ok(lost.length >= 2, `some commands were in flight on a dropped socket (${lost.length})`);
      for (const r of lost) assert.match(r.error!, /^dispatch_failed/);
      assert.ok([...seen.commands.values()].every((n) => n === 1));

      const home = await f.sim.driver.openAppHome({ user: f.demo.users.alice.id });
      const again = await f.sim.driver.openAppHome({ user: f.demo.users.alice.id });
      for (const r of [home, again])
        assert.equal(r.status, 200, 'each event got through, retried if need be');
      const retried = f.sim.control.socketEnvelopes(f.demo.app.id).filter((e) => e.retryAttempt > 0);
      assert.ok(retried.every((e) => e.type === 'events_api'));
    } finally {
      f.sim.control.socketFaults({});
      await app.stop();
      await f.sim.close();
    }
  });
});
