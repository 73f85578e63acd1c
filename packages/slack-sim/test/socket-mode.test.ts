import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SocketModeClient } from '@slack/socket-mode';
import { BOT_SCOPES, demoFixture, platformError, quietLogger, webClient } from './helpers.js';
import type { Fixture } from './helpers.js';

/** A SocketModeClient on the simulator, reconnecting quickly (its delay is clientPingTimeout). */
function client(f: Fixture, appToken: string): SocketModeClient {
  return new SocketModeClient({
    appToken,
    logger: quietLogger,
    clientPingTimeout: 150,
    clientOptions: { slackApiUrl: f.sim.apiUrl, retryConfig: { retries: 0 } },
  });
}

describe('Socket Mode: app-level tokens, apps.connections.open and the WebSocket protocol', () => {
  let f: Fixture;
  let appToken: string;
  before(async () => {
    f = await demoFixture({ scopes: [...BOT_SCOPES, 'channels:history'] });
    f.sim.control.updateApp(f.demo.app.id, { socketMode: true });
    appToken = f.sim.control.createAppToken(f.demo.app.id).token;
  });
  after(() => f.sim.close());

  test('apps.connections.open takes an app-level token with connections:write, from the Authorization header only', async () => {
    assert.match(appToken, /^xapp-1-A/);
    const r = await webClient(f.sim, appToken).apps.connections.open();
    assert.match(r.url!, /^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f]+&app_id=A/);

    const raw = (init: RequestInit) =>
      fetch(`${f.sim.apiUrl}apps.connections.open`, { method: 'POST', ...init }).then(
        (res) => res.json() as Promise<{ ok: boolean; error?: string }>,
      );
    assert.equal((await raw({})).error, 'missing_args');
    assert.equal(
      (
        await raw({
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: appToken }).toString(),
        })
      ).error,
      'invalid_auth',
    );
    assert.equal(
      (await platformError(webClient(f.sim, f.install.botToken).apps.connections.open())).error,
      'not_allowed_token_type',
    );
    // …and an app-level token is no workspace token.
    assert.equal(
      (await platformError(webClient(f.sim, appToken).auth.test())).error,
      'not_allowed_token_type',
    );
    const narrow = f.sim.control.createAppToken(f.demo.app.id, { scopes: ['authorizations:read'] }).token;
    const e = await platformError(webClient(f.sim, narrow).apps.connections.open());
    assert.equal(e.error, 'missing_scope');
    assert.equal(e.needed, 'connections:write');
  });

  test('hello, then commands, interactions and events as envelopes; acks carry the answers', async () => {
    const c = client(f, appToken);
    const frames: Array<Record<string, unknown>> = [];
    c.on('ws_message', (data: unknown) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    c.on('slash_commands', async ({ ack, body }) => {
      await ack({ text: `pong ${(body as { text: string }).text}` });
    });
    c.on('interactive', async ({ ack }) => ack());
    c.on('app_home_opened', async ({ ack }) => ack());
    await c.start();
    try {
      const hello = frames[0]!;
      assert.equal(hello.type, 'hello');
      assert.equal(hello.num_connections, 1);
      assert.equal((hello.connection_info as { app_id: string }).app_id, f.demo.app.id);
      assert.ok((hello.debug_info as { host: string }).host);

      const alice = f.demo.users.alice.id;
      const general = f.demo.channels.general.id;
      const r = await f.sim.driver.slashCommand({
        channel: general,
        user: alice,
        command: '/liftoff',
        text: 'ping',
      });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { text: 'pong ping' });
      // The ack's payload is the command's answer, shown to the person as on HTTP.
      assert.equal(f.sim.control.ephemerals({ user: alice }).at(-1)?.text, 'pong ping');
      const envelope = frames.find((x) => x.type === 'slash_commands')!;
      assert.equal(envelope.accepts_response_payload, true);
      assert.equal(typeof envelope.envelope_id, 'string');
      assert.equal((envelope.payload as { command: string }).command, '/liftoff');
      assert.equal(envelope.retry_attempt, undefined);

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
      const ts = f.sim.control.messages(general).at(-1)!.ts;
      const click = await f.sim.driver.clickButton({ channel: general, ts, user: alice });
      assert.equal(click.status, 200);
      const interactive = frames.find((x) => x.type === 'interactive')!;
      assert.equal(interactive.accepts_response_payload, false);
      assert.equal((interactive.payload as { type: string }).type, 'block_actions');

      const home = await f.sim.driver.openAppHome({ user: alice });
      assert.equal(home.status, 200);
      const event = frames.find((x) => x.type === 'events_api')!;
      assert.equal(event.retry_attempt, 0);
      assert.equal(event.retry_reason, '');
      assert.equal((event.payload as { event: { type: string } }).event.type, 'app_home_opened');
      assert.deepEqual(
        f.sim.control.socketEnvelopes(f.demo.app.id).map((x) => x.outcome),
        ['acked', 'acked', 'acked'],
      );
    } finally {
      await c.disconnect();
    }
  });

  test('an unacknowledged event is redelivered with retry_attempt and retry_reason; commands are not', async () => {
    const c = client(f, appToken);
    const attempts: Array<number | undefined> = [];
    c.on('app_home_opened', async ({ ack, retry_num }) => {
      attempts.push(retry_num);
      if (attempts.length > 1) await ack();
    });
    let commands = 0;
    c.on('slash_commands', () => {
      commands++;
    });
    await c.start();
    try {
      const r = await f.sim.driver.openAppHome({ user: f.demo.users.alice.id }, { timeoutMs: 300 });
      assert.equal(r.status, 200);
      assert.equal(r.attempts.length, 2);
      assert.equal(r.attempts[0]!.timedOut, true);
      assert.deepEqual(attempts, [0, 1]);
      const log = f.sim.control.socketEnvelopes(f.demo.app.id).slice(-2);
      assert.deepEqual(
        log.map((x) => [x.retryAttempt, x.outcome]),
        [
          [0, 'timeout'],
          [1, 'acked'],
        ],
      );

      const cmd = await f.sim.driver.slashCommand(
        { channel: f.demo.channels.general.id, user: f.demo.users.alice.id, command: '/liftoff' },
        { timeoutMs: 300 },
      );
      assert.equal(cmd.timedOut, true);
      assert.equal(cmd.error, 'operation_timeout');
      assert.equal(commands, 1);
    } finally {
      await c.disconnect();
    }
  });

  test('without a connection the person waits, then gets dispatch_failed', async () => {
    await f.sim.waitFor(() =>
      f.sim.control.socketConnections(f.demo.app.id).every((c) => c.state === 'closed'),
    );
    const r = await f.sim.driver.slashCommand(
      { channel: f.demo.channels.general.id, user: f.demo.users.alice.id, command: '/liftoff' },
      { timeoutMs: 200 },
    );
    assert.equal(r.status, null);
    assert.match(r.error!, /^dispatch_failed/);
    assert.equal(f.sim.control.socketEnvelopes(f.demo.app.id).at(-1)?.outcome, 'no_connection');
  });

  test('disconnect (refresh_requested) and a dropped socket: the client reconnects, nothing is lost', async () => {
    const c = client(f, appToken);
    const handled = new Map<string, number>();
    c.on('slash_commands', async ({ ack, body }) => {
      const text = (body as { text: string }).text;
      handled.set(text, (handled.get(text) ?? 0) + 1);
      await ack({ text: `done ${text}` });
    });
    await c.start();
    try {
      const results = [];
      for (let i = 0; i < 12; i++) {
        if (i === 4) f.sim.control.socketDisconnect({ appId: f.demo.app.id });
        if (i === 8) f.sim.control.socketDrop({ appId: f.demo.app.id });
        results.push(
          await f.sim.driver.slashCommand({
            channel: f.demo.channels.general.id,
            user: f.demo.users.alice.id,
            command: '/liftoff',
            text: `c${i}`,
          }),
        );
      }
      assert.deepEqual(
        results.map((r) => r.json),
        results.map((_, i) => ({ text: `done c${i}` })),
      );
      assert.ok([...handled.values()].every((n) => n === 1));
      const connections = f.sim.control.socketConnections(f.demo.app.id).slice(-3);
      assert.deepEqual(
        connections.map((x) => x.closedBy),
        ['disconnect', 'dropped', null],
      );
      assert.equal(connections[0]!.disconnectReason, 'refresh_requested');
    } finally {
      await c.disconnect();
    }
  });

  test('disconnectAfterMs recycles every connection with a disconnect message; the client comes back', async () => {
    f.sim.control.socketFaults({ disconnectAfterMs: 100 });
    const c = client(f, appToken);
    const frames: Array<Record<string, unknown>> = [];
    c.on('ws_message', (data: unknown) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    c.on('slash_commands', async ({ ack }) => ack({ text: 'still here' }));
    await c.start();
    try {
      assert.equal(
        (frames[0]!.debug_info as { approximate_connection_time: number }).approximate_connection_time,
        1,
      );
      await f.sim.waitFor(() => frames.filter((x) => x.type === 'hello').length >= 2, {
        what: 'a second hello',
      });
      const disconnect = frames.find((x) => x.type === 'disconnect')!;
      assert.equal(disconnect.reason, 'refresh_requested');
      assert.ok((disconnect.debug_info as { host: string }).host);
      f.sim.control.socketFaults({});
      const r = await f.sim.driver.slashCommand({
        channel: f.demo.channels.general.id,
        user: f.demo.users.alice.id,
        command: '/liftoff',
      });
      assert.deepEqual(r.json, { text: 'still here' });
    } finally {
      f.sim.control.socketFaults({});
      await c.disconnect();
    }
  });

  test('switching Socket Mode off sends link_disabled; HTTP apps get HTTP again', async () => {
    const c = client(f, appToken);
    c.on('slash_commands', async ({ ack }) => ack());
    await c.start();
    const frames: Array<Record<string, unknown>> = [];
    c.on('ws_message', (data: unknown) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
    f.sim.control.updateApp(f.demo.app.id, { socketMode: false });
    try {
      await f.sim.waitFor(() => frames.find((x) => x.type === 'disconnect'));
      assert.equal(frames.find((x) => x.type === 'disconnect')!.reason, 'link_disabled');
    } finally {
      await c.disconnect();
      f.sim.control.updateApp(f.demo.app.id, { socketMode: true });
    }
  });
});
